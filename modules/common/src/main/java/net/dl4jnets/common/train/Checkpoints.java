package net.dl4jnets.common.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

import net.dl4jnets.common.io.AtomicFiles;
import net.dl4jnets.common.io.UserError;
import net.dl4jnets.common.nn.Acceleration;

/**
 * Saves and loads models with their updater state; a save is atomic ({@link AtomicFiles}). A file holds the stock
 * DL4J configuration ({@link Acceleration#stock}), whatever engine trained it, so that a DL4J application restores it
 * with {@code ModelSerializer.restoreComputationGraph} alone; a load returns the graph the engine runs.
 */
public final class Checkpoints {
    private Checkpoints() {}

    /** Saves the graph in stock DL4J classes, with its updater state, atomically. */
    public static void saveModel(ComputationGraph graph, Path target) {
        ComputationGraph stock = Acceleration.rebuild(graph, Acceleration.stock(graph.getConfiguration()));
        AtomicFiles.write(target, tmp -> ModelSerializer.writeModel(stock, tmp.toFile(), true));
    }

    /** Loads a saved graph with its updater state, as the engine runs it ({@link Acceleration#running}). */
    public static ComputationGraph loadModel(Path file) {
        return Acceleration.running(loadStock(file));
    }

    /** Loads a saved graph with its updater state, as the file has it. */
    private static ComputationGraph loadStock(Path file) {
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
