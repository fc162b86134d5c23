package net.dl4jnets.common.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

import net.dl4jnets.common.cli.UserError;

/**
 * Writes files so that a crash at any instant leaves either the old file or the new one, never a broken one: the
 * content goes to a temporary file in the same folder, which is then renamed over the target in one step.
 */
public final class Checkpoints {
    /** Called between the temporary write and the rename; tests use it to simulate a crash there. */
    interface BeforeRename {
        void run(Path tmp) throws IOException;
    }

    static BeforeRename beforeRename = tmp -> { };

    private Checkpoints() {}

    /** Saves the graph with its updater state, atomically. */
    public static void saveModel(ComputationGraph graph, Path target) {
        atomicWrite(target, tmp -> ModelSerializer.writeModel(graph, tmp.toFile(), true));
    }

    public static void saveText(String text, Path target) {
        atomicWrite(target, tmp -> Files.writeString(tmp, text, StandardCharsets.UTF_8));
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

    /** Writes a file's content into the temporary file it is given. */
    public interface Writer {
        void write(Path tmp) throws IOException;
    }

    /** Writes target through a temporary sibling and an atomic rename. */
    public static void atomicWrite(Path target, Writer writer) {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
            writer.write(tmp);
            beforeRename.run(tmp);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + target, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a leftover hidden .tmp file is never read
                }
            }
        }
    }
}
