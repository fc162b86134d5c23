package net.dl4jnets.common.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

import net.dl4jnets.common.io.AtomicFiles;
import net.dl4jnets.common.io.UserError;
import net.dl4jnets.engine.Engine;

/**
 * Saves and loads models with their updater state; a save is atomic ({@link AtomicFiles}). A file holds the stock
 * DL4J configuration ({@link Engine#stock}), whatever engine trained it, so that a DL4J application restores it
 * with {@code ModelSerializer.restoreComputationGraph} alone; a load returns the graph the engine runs.
 */
public final class Checkpoints {
    private Checkpoints() {}

    /** Saves the graph in stock DL4J classes, with its updater state, atomically. */
    public static void saveModel(ComputationGraph graph, Path target) {
        ComputationGraph stock = Engine.stock(graph);
        AtomicFiles.write(target, tmp -> ModelSerializer.writeModel(stock, tmp.toFile(), true));
    }

    /** Loads a saved graph with its updater state, as the engine runs it ({@link Engine#running}). */
    public static ComputationGraph loadModel(Path file) {
        return Engine.running(loadStock(file));
    }

    /** Loads a saved graph with its updater state, as the file has it (older files' class names updated). */
    private static ComputationGraph loadStock(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserError(file + ": no such model file.");
        }
        Path renamed = null;
        try {
            renamed = withCurrentNames(file);
            return ModelSerializer.restoreComputationGraph((renamed != null ? renamed : file).toFile(), true);
        } catch (IOException | RuntimeException e) {
            throw new UserError(file + ": not a DL4J ComputationGraph model file (" + e.getMessage() + ").", e);
        } finally {
            if (renamed != null) {
                try {
                    Files.deleteIfExists(renamed);
                } catch (IOException e) {
                    // a temporary file left behind is no reason to fail the load
                }
            }
        }
    }

    /**
     * Classes that files written by earlier versions of the suite name, and what they are now: the attention layers
     * moved to the layers module, and the engine's kernels (which files no longer hold) are their stock classes.
     */
    static final Map<String, String> FORMER_NAMES = Map.ofEntries(
            Map.entry("net.dl4jnets.attention.", "net.dl4jnets.layers."),
            Map.entry("net.dl4jnets.common.nn.SinglePassDense", "org.deeplearning4j.nn.conf.layers.DenseLayer"),
            Map.entry("net.dl4jnets.common.nn.SoftmaxOutput", "org.deeplearning4j.nn.conf.layers.OutputLayer"),
            Map.entry("net.dl4jnets.common.nn.InputConvolution", "org.deeplearning4j.nn.conf.layers.ConvolutionLayer"),
            Map.entry("net.dl4jnets.common.nn.VectorBatchNorm", "org.deeplearning4j.nn.conf.layers.BatchNormalization"),
            Map.entry("net.dl4jnets.common.nn.VectorAdam", "org.nd4j.linalg.learning.config.Adam"),
            Map.entry("net.dl4jnets.common.nn.VectorRelu", "org.nd4j.linalg.activations.impl.ActivationReLU"),
            Map.entry("net.dl4jnets.rnn.FusedLstm", "org.deeplearning4j.nn.conf.layers.LSTM"));

    /**
     * A temporary copy of {@code file} whose configuration names today's classes, or null if it names no former
     * one. (A kernel's own settings, such as {@code inputGradient}, are then unknown to the stock class, and DL4J's
     * JSON reader skips them.)
     */
    private static Path withCurrentNames(Path file) throws IOException {
        String config;
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry entry = zip.getEntry(CONFIGURATION);
            if (entry == null) {
                return null;
            }
            config = new String(zip.getInputStream(entry).readAllBytes(), StandardCharsets.UTF_8);
            String renamed = config;
            for (Map.Entry<String, String> e : FORMER_NAMES.entrySet()) {
                renamed = renamed.replace("\"" + e.getKey(), "\"" + e.getValue());
            }
            if (renamed.equals(config)) {
                return null;
            }
            Path copy = Files.createTempFile("nets-model", ".zip");
            try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(copy))) {
                for (ZipEntry e : Collections.list(zip.entries())) {
                    out.putNextEntry(new ZipEntry(e.getName()));
                    if (e.getName().equals(CONFIGURATION)) {
                        out.write(renamed.getBytes(StandardCharsets.UTF_8));
                    } else {
                        zip.getInputStream(e).transferTo(out);
                    }
                    out.closeEntry();
                }
            }
            return copy;
        }
    }

    /** The model file's entry that holds the network's configuration (DL4J's ModelSerializer). */
    private static final String CONFIGURATION = "configuration.json";
}
