package net.dl4jnets.common.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import net.dl4jnets.common.data.Layout;
import net.dl4jnets.common.nn.KernelChecks;
import net.dl4jnets.common.nn.SinglePassDense;
import net.dl4jnets.common.nn.SoftmaxOutput;
import net.dl4jnets.common.nn.VectorAdam;
import net.dl4jnets.common.nn.VectorRelu;

/**
 * A model file written before the engine, whose JSON names the kernels' classes, still loads (its classes exist), runs
 * and predicts as it did, and is written back in DL4J's own classes.
 */
class OldModelFileTest {
    @Test
    void aFileThatNamesTheKernelsLoadsAndIsSavedBackStock(@TempDir Path dir) throws Exception {
        var conf = new NeuralNetConfiguration.Builder().seed(2).updater(new VectorAdam(1e-3)).graphBuilder()
                .addInputs("pixels")
                .addLayer("hidden", SinglePassDense.of(new DenseLayer.Builder().nOut(16).activation(new VectorRelu())
                        .build()).readingData(), "pixels")
                .addLayer("classes", SoftmaxOutput.of(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(10).activation(Activation.SOFTMAX).build()), "hidden")
                .setOutputs("classes").setInputTypes(Layout.DENSE.inputType()).build();
        ComputationGraph old = new ComputationGraph(conf);
        old.init();
        Path file = dir.resolve("model.zip");
        ModelSerializer.writeModel(old, file.toFile(), true); // as the suite wrote files before the engine
        INDArray x = KernelChecks.uniform(1, DataType.FLOAT, 0, 1, 4, 784);

        ComputationGraph loaded = Checkpoints.loadModel(file);
        assertEquals(old.outputSingle(x), loaded.outputSingle(x));
        Path again = dir.resolve("again.zip");
        Checkpoints.saveModel(loaded, again);
        ComputationGraph stock = ModelSerializer.restoreComputationGraph(again.toFile(), true);
        String json = stock.getConfiguration().toJson();
        assertFalse(json.contains("net.dl4jnets"), json);
        assertTrue(json.contains("org.deeplearning4j.nn.conf.layers.DenseLayer"), json);
        assertEquals(old.outputSingle(x), stock.outputSingle(x));
    }
}
