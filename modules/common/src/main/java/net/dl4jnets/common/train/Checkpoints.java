package net.dl4jnets.common.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

import net.dl4jnets.common.io.AtomicFiles;
import net.dl4jnets.common.io.UserError;

/** Saves and loads models with their updater state; a save is atomic ({@link AtomicFiles}). */
public final class Checkpoints {
    private Checkpoints() {}

    /** Saves the graph with its updater state, atomically. */
    public static void saveModel(ComputationGraph graph, Path target) {
        AtomicFiles.write(target, tmp -> ModelSerializer.writeModel(graph, tmp.toFile(), true));
    }

    /** Loads a saved graph with its updater state. */
    public static ComputationGraph loadModel(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserError(file + ": no such model file.");
        }
        try {
            return ModelSerializer.restoreComputationGraph(file.toFile(), true);
        } catch (IOException | RuntimeException e) {
            throw new UserError(file + ": not a DL4J ComputationGraph model file (" + e.getMessage() + ").", e);
        }
    }
}
