package net.dl4jnets.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import net.dl4jnets.common.backend.Backend;
import net.dl4jnets.common.data.Augmentation;
import net.dl4jnets.common.train.GradientChecks;
import net.dl4jnets.common.train.TrainingConfig;

/** The custom layers, alone and as a block: gradients, causality, JSON and model files. */
class AttentionLayersTest {
    static final int C = 8;
    static final int T = 5;

    @BeforeAll
    static void backend() {
        Backend.start(1, Backend.Workload.DENSE);
    }

    /** A tiny graph: [batch, C, T] in, the layer, a per-token softmax over 3 classes out. */
    static ComputationGraphConfiguration around(SameDiffLayer layer) {
        return new NeuralNetConfiguration.Builder().seed(3).updater(new Adam(1e-3)).graphBuilder()
                .addInputs("in").setInputTypes(InputType.recurrent(C, T))
                .addLayer("layer", layer, "in")
                .addLayer("out", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "layer")
                .setOutputs("out").build();
    }

    static INDArray labels(int batch) {
        INDArray y = Nd4j.zeros(batch, 3, T);
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < T; t++) {
                y.putScalar(b, (b + t) % 3, t, 1);
            }
        }
        return y;
    }

    static INDArray input(int batch) {
        Nd4j.getRandom().setSeed(11);
        return Nd4j.randn(DataType.DOUBLE, batch, C, T);
    }

    @Test
    void eachLayerPassesTheGradientCheck() {
        SameDiffLayer[] layers = {new LayerNorm(C, T), new PositionalEmbedding(C, T), new Linear(C, C, T, true, true, 0.3),
                new MultiHeadAttention(C, T, 2, true, 0.3), new MultiHeadAttention(C, T, 4, false, 0.3)};
        for (SameDiffLayer layer : layers) {
            assertTrue(GradientChecks.check(around(layer), input(2), labels(2)), layer.getClass().getSimpleName());
        }
    }

    @Test
    void aWholeBlockPassesTheGradientCheck() {
        var g = new NeuralNetConfiguration.Builder().seed(3).updater(new Adam(1e-3)).graphBuilder()
                .addInputs("in").setInputTypes(InputType.recurrent(C, T));
        String out = new TransformerBlock(C, T, 2, 2, true, 0, 1).addTo(g, "block", "in");
        var conf = g.addLayer("out", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                .activation(Activation.SOFTMAX).build(), out).setOutputs("out").build();
        assertTrue(GradientChecks.check(conf, input(2), labels(2)));
    }

    @Test
    void changingTheLastTokenChangesNoEarlierOutputOfACausalBlock() {
        var g = new NeuralNetConfiguration.Builder().seed(3).updater(new Adam(1e-3)).graphBuilder()
                .addInputs("in").setInputTypes(InputType.recurrent(C, T));
        String x = "in";
        for (int i = 1; i <= 2; i++) {
            x = new TransformerBlock(C, T, 2, 2, true, 0, 2).addTo(g, "block" + i, x);
        }
        ComputationGraph graph = new ComputationGraph(g.setOutputs(x).build());
        graph.init();
        INDArray a = Nd4j.rand(DataType.FLOAT, 1, C, T);
        INDArray b = a.dup();
        for (int c = 0; c < C; c++) {
            b.putScalar(0, c, T - 1, 5.0 - c);
        }
        INDArray ya = graph.outputSingle(a);
        INDArray yb = graph.outputSingle(b);
        for (int t = 0; t < T - 1; t++) {
            for (int c = 0; c < C; c++) {
                assertEquals(0.0, Math.abs(ya.getDouble(0, c, t) - yb.getDouble(0, c, t)), 0.0, "token " + t);
            }
        }
        INDArray lastA = ya.get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.point(T - 1));
        INDArray lastB = yb.get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.point(T - 1));
        assertTrue(lastA.sub(lastB).amaxNumber().doubleValue() > 1e-3, "the last token's own output does change");
    }

    @Test
    void theAttentionWeightsMatchTheLayerAndSumToOne() {
        MultiHeadAttention attention = new MultiHeadAttention(C, T, 2, true, 0.02);
        ComputationGraph graph = new ComputationGraph(around(attention));
        graph.init();
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, C, T);
        var conf = (MultiHeadAttention) graph.getLayer("layer").conf().getLayer();
        INDArray w = conf.weights(x, graph.getLayer("layer").paramTable());
        assertArrayEquals(new long[] {2, 2, T, T}, w.shape());
        assertEquals(2.0 * 2 * T, w.sumNumber().doubleValue(), 1e-4, "every row of weights sums to 1");
        assertEquals(0.0, w.getDouble(0, 0, 0, T - 1), 1e-12, "the first token cannot see the last");
    }

    @Test
    void aGraphOfEveryLayerSurvivesJsonAndTheModelFile(@TempDir Path dir) throws Exception {
        VisionTransformer.Config c = new VisionTransformer.Config(VisionTransformer.Tokens.PATCHES, 7, 2, 16, 4, 2,
                0.1, Augmentation.NONE);
        ComputationGraphConfiguration conf = VisionTransformer.graph(c, TrainingConfig.DEFAULTS);
        assertEquals(conf, ComputationGraphConfiguration.fromJson(conf.toJson()));
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        INDArray x = Nd4j.rand(DataType.FLOAT, 3, 1, 28, 28);
        INDArray before = graph.outputSingle(x);
        File file = dir.resolve("model.zip").toFile();
        ModelSerializer.writeModel(graph, file, true);
        ComputationGraph loaded = ModelSerializer.restoreComputationGraph(file, true);
        assertEquals(0.0, before.sub(loaded.outputSingle(x)).amaxNumber().doubleValue(), 1e-6);
    }

    @Test
    void theGlobalPoolOverTokensGivesOneVectorPerImage() {
        var conf = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in")
                .setInputTypes(InputType.recurrent(C, T))
                .addLayer("ln", new LayerNorm(C, T), "in")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "ln")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        assertArrayEquals(new long[] {4, 3}, g.outputSingle(Nd4j.rand(DataType.FLOAT, 4, C, T)).shape());
    }
}
