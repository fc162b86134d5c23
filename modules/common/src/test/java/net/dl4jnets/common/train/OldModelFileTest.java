package net.dl4jnets.common.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import net.dl4jnets.engine.KernelChecks;
import net.dl4jnets.layers.Linear;

/**
 * A model file written by an earlier version of the suite, whose JSON names the engine's kernels (files before the
 * engine mapped back to stock) or the attention layers under their former package, still loads, runs and predicts as
 * it did, and is written back in today's classes: DL4J's own, and the layers module's.
 */
class OldModelFileTest {
    @Test
    void aFileThatNamesFormerClassesLoadsAndIsSavedBackStock(@TempDir Path dir) throws Exception {
        var conf = new NeuralNetConfiguration.Builder().seed(2).updater(new Adam(1e-3)).graphBuilder()
                .addInputs("pixels")
                .addLayer("hidden", new DenseLayer.Builder().nOut(16).activation(Activation.RELU).build(), "pixels")
                .addLayer("classes", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build(), "hidden")
                .setOutputs("classes").setInputTypes(InputType.feedForward(784)).build();
        ComputationGraph stock = new ComputationGraph(conf);
        stock.init();
        Path file = dir.resolve("model.zip");
        ModelSerializer.writeModel(stock, file.toFile(), true);
        Path old = rewrite(file, dir.resolve("old.zip"), json -> json
                .replace("\"org.deeplearning4j.nn.conf.layers.DenseLayer\"",
                        "\"net.dl4jnets.common.nn.SinglePassDense\", \"inputGradient\" : false")
                .replace("\"org.deeplearning4j.nn.conf.layers.OutputLayer\"",
                        "\"net.dl4jnets.common.nn.SoftmaxOutput\"")
                .replace("\"org.nd4j.linalg.learning.config.Adam\"", "\"net.dl4jnets.common.nn.VectorAdam\"")
                .replace("\"org.nd4j.linalg.activations.impl.ActivationReLU\"",
                        "\"net.dl4jnets.common.nn.VectorRelu\""));
        INDArray x = KernelChecks.uniform(1, DataType.FLOAT, 0, 1, 4, 784);

        ComputationGraph loaded = Checkpoints.loadModel(old);
        assertEquals(stock.outputSingle(x), loaded.outputSingle(x));
        Path again = dir.resolve("again.zip");
        Checkpoints.saveModel(loaded, again);
        String json = ModelSerializer.restoreComputationGraph(again.toFile(), true).getConfiguration().toJson();
        assertFalse(json.contains("net.dl4jnets"), json);
        assertTrue(json.contains("org.deeplearning4j.nn.conf.layers.DenseLayer"), json);
        assertEquals(stock.outputSingle(x), ModelSerializer.restoreComputationGraph(again.toFile(), true)
                .outputSingle(x));
    }

    @Test
    void anAttentionLayerUnderItsFormerPackageLoads(@TempDir Path dir) throws Exception {
        var conf = new NeuralNetConfiguration.Builder().seed(2).updater(new Adam(1e-3)).graphBuilder()
                .addInputs("chars")
                .addLayer("embed", new Linear(5, 8, 4, true, true, 0.02).ncw(true, false), "chars")
                .addLayer("out", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(5)
                        .activation(Activation.SOFTMAX).dataFormat(RNNFormat.NWC).build(), "embed")
                .setOutputs("out").setInputTypes(InputType.recurrent(5, 4)).build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        Path file = dir.resolve("model.zip");
        ModelSerializer.writeModel(graph, file.toFile(), true);
        Path old = rewrite(file, dir.resolve("old.zip"),
                json -> json.replace("\"net.dl4jnets.layers.Linear\"", "\"net.dl4jnets.attention.Linear\""));
        INDArray x = KernelChecks.uniform(3, DataType.FLOAT, 0, 1, 2, 5, 4);
        assertEquals(graph.outputSingle(x), Checkpoints.loadModel(old).outputSingle(x));
    }

    /** A copy of the model file {@code from} with its configuration.json changed by {@code change}. */
    static Path rewrite(Path from, Path to, java.util.function.UnaryOperator<String> change) throws Exception {
        try (ZipFile zip = new ZipFile(from.toFile());
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(to))) {
            boolean changed = false;
            for (ZipEntry e : Collections.list(zip.entries())) {
                out.putNextEntry(new ZipEntry(e.getName()));
                byte[] bytes = zip.getInputStream(e).readAllBytes();
                if (e.getName().equals("configuration.json")) {
                    String json = new String(bytes, StandardCharsets.UTF_8);
                    String old = change.apply(json);
                    changed = !old.equals(json);
                    bytes = old.getBytes(StandardCharsets.UTF_8);
                }
                out.write(bytes);
                out.closeEntry();
            }
            assertTrue(changed, "the test names former classes in the file");
        }
        return to;
    }
}
