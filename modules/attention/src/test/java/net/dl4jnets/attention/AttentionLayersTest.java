package net.dl4jnets.attention;

import static net.dl4jnets.engine.KernelChecks.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.List;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnLossLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.strict.GELU;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import net.dl4jnets.common.backend.Backend;
import net.dl4jnets.common.data.Augmentation;
import net.dl4jnets.engine.GradientChecks;
import net.dl4jnets.common.train.TrainingConfig;
import net.dl4jnets.layers.AttentionWeights;
import net.dl4jnets.layers.LayerNorm;
import net.dl4jnets.layers.Linear;
import net.dl4jnets.layers.MultiHeadAttention;
import net.dl4jnets.layers.PatchEmbedding;
import net.dl4jnets.layers.PositionalEmbedding;
import net.dl4jnets.layers.TokenLayer;
import net.dl4jnets.layers.TokenMean;
import net.dl4jnets.layers.TransformerBlock;

/** The custom layers, alone and as a block: gradients, causality, JSON and model files. */
class AttentionLayersTest {
    static final int C = 8;
    static final int T = 5;

    @BeforeAll
    static void backend() {
        Backend.start(1, Backend.Workload.DENSE);
    }

    static final InputType TOKENS = InputType.recurrent(C, T, RNNFormat.NWC);

    /** Per-token softmax over 3 classes on [batch, T, C]. */
    static RnnOutputLayer softmax3() {
        return new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX)
                .dataFormat(RNNFormat.NWC).build();
    }

    /** A tiny graph: [batch, T, C] in, the layer, a per-token softmax over 3 classes out. */
    static ComputationGraphConfiguration around(TokenLayer layer) {
        return new NeuralNetConfiguration.Builder().seed(3).updater(new Adam(1e-3)).graphBuilder()
                .addInputs("in").setInputTypes(TOKENS)
                .addLayer("layer", layer, "in")
                .addLayer("out", softmax3(), "layer")
                .setOutputs("out").build();
    }

    static INDArray labels(int batch) {
        INDArray y = Nd4j.zeros(batch, T, 3);
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < T; t++) {
                y.putScalar(b, t, (b + t) % 3, 1);
            }
        }
        return y;
    }

    static INDArray input(int batch) {
        Nd4j.getRandom().setSeed(11);
        return Nd4j.randn(DataType.DOUBLE, batch, T, C);
    }

    @Test
    void eachLayerPassesTheGradientCheck() {
        TokenLayer[] layers = {new LayerNorm(C, T), new PositionalEmbedding(C, T), new Linear(C, C, T, true, true, 0.3),
                new MultiHeadAttention(C, T, 2, true, 0.3), new MultiHeadAttention(C, T, 4, false, 0.3)};
        for (TokenLayer layer : layers) {
            assertTrue(GradientChecks.check(around(layer), input(2), labels(2)), layer.getClass().getSimpleName());
        }
    }

    @Test
    void aWholeVisionTransformerOverPatchesPassesTheGradientCheck() {
        var c = new VisionTransformer.Config(VisionTransformer.Tokens.PATCHES, 7, 3, 1, 8, 2, 2, 0, Augmentation.NONE);
        Nd4j.getRandom().setSeed(5);
        INDArray images = Nd4j.rand(DataType.DOUBLE, 2, 1, 28, 28);
        INDArray classes = Nd4j.zeros(DataType.DOUBLE, 2, 10);
        classes.putScalar(0, 3, 1);
        classes.putScalar(1, 7, 1);
        assertTrue(GradientChecks.check(VisionTransformer.graph(c, TrainingConfig.DEFAULTS), images, classes));
    }

    @Test
    void overlappingPatchesReadTheirNeighboursPixelsAndZerosBeyondTheImage() {
        int patch = 7;
        int overlap = 3;
        int k = patch + 2 * overlap;
        var layer = new PatchEmbedding(patch, overlap, 2);
        layer.setNIn(InputType.convolutional(28, 28, 1), true);
        Nd4j.getRandom().setSeed(9);
        INDArray images = Nd4j.rand(DataType.DOUBLE, 2, 1, 28, 28);
        INDArray w = Nd4j.rand(DataType.DOUBLE, k * k, 2);
        INDArray b = Nd4j.rand(DataType.DOUBLE, 1, 2);
        INDArray out = layer.forward(images, java.util.Map.of("W", w, "b", b), new java.util.HashMap<>());
        assertArrayEquals(new long[] {2, 16, 2}, out.shape());
        for (int n = 0; n < 2; n++) {
            for (int token = 0; token < 16; token++) {
                int top = (token / 4) * patch - overlap;
                int left = (token % 4) * patch - overlap;
                for (int o = 0; o < 2; o++) {
                    double expected = b.getDouble(0, o);
                    for (int i = 0; i < k; i++) {
                        for (int j = 0; j < k; j++) {
                            int r = top + i;
                            int c = left + j;
                            if (r >= 0 && r < 28 && c >= 0 && c < 28) {
                                expected += images.getDouble(n, 0, r, c) * w.getDouble(i * k + j, o);
                            }
                        }
                    }
                    assertEquals(expected, out.getDouble(n, token, o), 1e-9, "example " + n + ", token " + token);
                }
            }
        }
    }

    @Test
    void theGeluDerivativeIsFiniteWhereNd4jsIsNot() {
        INDArray z = Nd4j.createFromArray(-100f, -1f, 0f, 1f, 45f, 100f);
        INDArray d = Linear.geluDerivative(z);
        float[] expected = {0f, -0.0678f, 0.5f, 1.0678f, 1f, 1f};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], d.getFloat(i), 1e-4, "at " + z.getFloat(i));
        }
        INDArray gelu = Nd4j.getExecutioner().exec(new GELU(z.dup(), z.ulike()));
        assertEquals(0.8458, gelu.getDouble(3), 1e-4, "ND4J's GELU is the sigmoid approximation differentiated");
    }

    @Test
    void aWholeBlockPassesTheGradientCheck() {
        var g = new NeuralNetConfiguration.Builder().seed(3).updater(new Adam(1e-3)).graphBuilder()
                .addInputs("in").setInputTypes(TOKENS);
        String out = new TransformerBlock(C, T, 2, 2, true, 0, 1).addTo(g, "block", "in");
        var conf = g.addLayer("out", softmax3(), out).setOutputs("out").build();
        assertTrue(GradientChecks.check(conf, input(2), labels(2)));
    }

    @Test
    void changingTheLastTokenChangesNoEarlierOutputOfACausalBlock() {
        var g = new NeuralNetConfiguration.Builder().seed(3).updater(new Adam(1e-3)).graphBuilder()
                .addInputs("in").setInputTypes(TOKENS);
        String x = "in";
        for (int i = 1; i <= 2; i++) {
            x = new TransformerBlock(C, T, 2, 2, true, 0, 2).addTo(g, "block" + i, x);
        }
        ComputationGraph graph = new ComputationGraph(g.setOutputs(x).build());
        graph.init();
        INDArray a = Nd4j.rand(DataType.FLOAT, 1, T, C);
        INDArray b = a.dup();
        for (int c = 0; c < C; c++) {
            b.putScalar(0, T - 1, c, 5.0 - c);
        }
        INDArray ya = graph.outputSingle(a);
        INDArray yb = graph.outputSingle(b);
        for (int t = 0; t < T - 1; t++) {
            for (int c = 0; c < C; c++) {
                assertEquals(0.0, Math.abs(ya.getDouble(0, t, c) - yb.getDouble(0, t, c)), 0.0, "token " + t);
            }
        }
        INDArray lastA = ya.get(NDArrayIndex.point(0), NDArrayIndex.point(T - 1), NDArrayIndex.all());
        INDArray lastB = yb.get(NDArrayIndex.point(0), NDArrayIndex.point(T - 1), NDArrayIndex.all());
        assertTrue(lastA.sub(lastB).amaxNumber().doubleValue() > 1e-3, "the last token's own output does change");
    }

    /** The layer's weights for an input, as the pictures read them: each row sums to 1, causal; and their rollout. */
    @Test
    void theAttentionWeightsSumToOneAndRollOut() {
        MultiHeadAttention attention = new MultiHeadAttention(C, T, 2, true, 0.02);
        ComputationGraph graph = new ComputationGraph(around(attention));
        graph.init();
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, T, C);
        var conf = (MultiHeadAttention) graph.getLayer("layer").conf().getLayer();
        INDArray direct = conf.weights(x, graph.getLayer("layer").paramTable());
        assertArrayEquals(new long[] {2, 2, T, T}, direct.shape());
        assertEquals(2.0 * 2 * T, direct.sumNumber().doubleValue(), 1e-4, "every row of weights sums to 1");
        assertEquals(0.0, direct.getDouble(0, 0, 0, T - 1), 1e-12, "the first token cannot see the last");
        // found in the graph by class, from the activations of a forward pass
        var layers = AttentionWeights.of(graph, x);
        assertEquals(1, layers.size());
        assertEquals("layer", layers.get(0).name());
        assertEquals(0.0, layers.get(0).weights().sub(direct).amaxNumber().doubleValue(), 1e-6);
        INDArray rollout = AttentionWeights.rollout(List.of(layers.get(0), layers.get(0)), 1);
        assertArrayEquals(new long[] {T, T}, rollout.shape());
        for (int q = 0; q < T; q++) {
            assertEquals(1.0, rollout.getRow(q).sumNumber().doubleValue(), 1e-5, "rollout row " + q);
        }
        INDArray mixed = layers.get(0).meanOverHeads(1).mul(0.5).addi(Nd4j.eye(T).castTo(DataType.FLOAT).muli(0.5));
        assertEquals(0.0, rollout.sub(mixed.mmul(mixed)).amaxNumber().doubleValue(), 1e-6, "two layers: mixed²");
        // 7x7 patches of a 28x28 image: 16 tokens read row by row
        ComputationGraph vit = new ComputationGraph(VisionTransformer.graph(VisionTransformer.Config.DEFAULT,
                TrainingConfig.DEFAULTS));
        vit.init();
        int[] token = AttentionWeights.tokenOfPixel(vit, 28, 28);
        assertEquals(0, token[0]);
        assertEquals(1, token[7]);
        assertEquals(4, token[7 * 28]);
        assertEquals(15, token[28 * 28 - 1]);
        assertEquals(4, AttentionWeights.of(vit, Nd4j.rand(DataType.FLOAT, 1, 1, 28, 28)).size(), "4 blocks");
    }

    /** The reference is computed here from the parameters alone: q, k, v, per-head softmax(q·kᵀ/√d) with the mask. */
    @Test
    void theLayerComputesSoftmaxOfQueriesTimesKeysTimesValuesPerExampleAndHead() {
        MultiHeadAttention attention = new MultiHeadAttention(C, T, 2, true, 0.3);
        var conf = new NeuralNetConfiguration.Builder().seed(5).graphBuilder().addInputs("in").setInputTypes(TOKENS)
                .addLayer("layer", attention, "in").setOutputs("layer").build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        INDArray x = net.dl4jnets.engine.KernelChecks.uniform(21, DataType.FLOAT, 0, 1, 3, T, C);
        INDArray y = graph.outputSingle(x);
        var p = graph.getLayer("layer").paramTable();
        int d = C / 2;
        for (int b = 0; b < 3; b++) {
            INDArray rows = x.slice(b).castTo(DataType.DOUBLE); // [T, C]
            INDArray q = rows.mmul(p.get("Wq").castTo(DataType.DOUBLE)).addiRowVector(p.get("bq").castTo(DataType.DOUBLE));
            INDArray k = rows.mmul(p.get("Wk").castTo(DataType.DOUBLE)).addiRowVector(p.get("bk").castTo(DataType.DOUBLE));
            INDArray v = rows.mmul(p.get("Wv").castTo(DataType.DOUBLE)).addiRowVector(p.get("bv").castTo(DataType.DOUBLE));
            INDArray heads = Nd4j.create(DataType.DOUBLE, T, C);
            for (int h = 0; h < 2; h++) {
                var cols = NDArrayIndex.interval(h * d, (h + 1) * d);
                double[][] scores = q.get(NDArrayIndex.all(), cols).mmul(k.get(NDArrayIndex.all(), cols).transpose())
                        .muli(1 / Math.sqrt(d)).toDoubleMatrix();
                double[][] w = new double[T][T];
                for (int i = 0; i < T; i++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j <= i; j++) { // causal: token i sees tokens 0..i
                        max = Math.max(max, scores[i][j]);
                    }
                    double sum = 0;
                    for (int j = 0; j <= i; j++) {
                        w[i][j] = Math.exp(scores[i][j] - max);
                        sum += w[i][j];
                    }
                    for (int j = 0; j <= i; j++) {
                        w[i][j] /= sum;
                    }
                }
                heads.get(NDArrayIndex.all(), cols).assign(Nd4j.createFromArray(w).mmul(v.get(NDArrayIndex.all(), cols)));
            }
            INDArray expected = heads.mmul(p.get("Wo").castTo(DataType.DOUBLE))
                    .addiRowVector(p.get("bo").castTo(DataType.DOUBLE));
            double scale = expected.amaxNumber().doubleValue();
            assertEquals(0.0, expected.sub(y.slice(b).castTo(DataType.DOUBLE)).amaxNumber().doubleValue(), 1e-5 * scale,
                    "example " + b);
        }
    }

    @Test
    void aGraphOfEveryLayerSurvivesJsonAndTheModelFile(@TempDir Path dir) throws Exception {
        VisionTransformer.Config c = new VisionTransformer.Config(VisionTransformer.Tokens.PATCHES, 7, 3, 2, 16, 4, 2,
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
    void theTokenMeanGivesOneVectorPerExampleAndPassesTheGradientCheck() {
        var conf = new NeuralNetConfiguration.Builder().seed(3).updater(new Adam(1e-3)).graphBuilder().addInputs("in")
                .setInputTypes(TOKENS)
                .addLayer("ln", new LayerNorm(C, T), "in")
                .addLayer("mean", new TokenMean(C, T), "ln")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "mean")
                .setOutputs("out").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        assertArrayEquals(new long[] {4, 3}, g.outputSingle(Nd4j.rand(DataType.FLOAT, 4, T, C)).shape());
        INDArray labels = Nd4j.zeros(2, 3);
        labels.putScalar(0, 1, 1);
        labels.putScalar(1, 2, 1);
        assertTrue(GradientChecks.check(conf, input(2), labels));
    }

    @Test
    void embeddingsReadAndReadOutsWriteDl4jsUsualLayout() {
        var conf = new NeuralNetConfiguration.Builder().seed(3).updater(new Adam(1e-3)).graphBuilder().addInputs("in")
                .setInputTypes(InputType.recurrent(C, T))
                .addLayer("embed", new Linear(C, 6, T, false, false, 0.3).ncw(true, false), "in")
                .addLayer("readout", new Linear(6, 3, T, false, true, 0.3).ncw(false, true), "embed")
                .addLayer("out", new RnnLossLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX).build(), "readout")
                .setOutputs("out").build();
        INDArray x = Nd4j.randn(DataType.DOUBLE, 2, C, T);
        INDArray y = labels(2).permute(0, 2, 1).dup();
        assertTrue(GradientChecks.check(conf, x, y));
    }
}
