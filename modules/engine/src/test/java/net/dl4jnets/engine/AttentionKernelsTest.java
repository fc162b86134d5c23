package net.dl4jnets.engine;

import static net.dl4jnets.engine.KernelChecks.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.strict.GELU;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import net.dl4jnets.layers.LayerNorm;
import net.dl4jnets.layers.Linear;
import net.dl4jnets.layers.MultiHeadAttention;
import net.dl4jnets.layers.PatchEmbedding;
import net.dl4jnets.layers.TokenMean;

/** The engine's passes for the suite's transformer layers against ND4J's operations and the layers' own paths. */
class AttentionKernelsTest {
    @BeforeAll
    static void backend() {
        KernelChecks.start(1);
    }

    @Test
    void theFloatGeluPassMatchesNd4jsOperations() {
        Nd4j.getRandom().setSeed(4);
        INDArray z = Nd4j.randn(DataType.FLOAT, 37, 29).muli(4); // 1,073 values: whole vectors and a remainder
        z.putScalar(0, 45f);
        z.putScalar(1, 100f);
        z.putScalar(2, -100f);
        INDArray dy = Nd4j.randn(DataType.FLOAT, 37, 29);
        assertTrue(FloatGelu.usable(z), "the tests run with the Vector API");
        INDArray y = Nd4j.getExecutioner().exec(new GELU(z.dup(), z.ulike()));
        INDArray dz = dy.mul(Linear.geluDerivative(z));
        assertClose(y, FloatGelu.forward(z));
        assertClose(dz, FloatGelu.backward(z, dy));
        // views that do not start at their buffer's beginning, or are not in row order, are read as what they show
        INDArray rows = z.get(NDArrayIndex.interval(1, 37), NDArrayIndex.all());
        assertClose(y.get(NDArrayIndex.interval(1, 37), NDArrayIndex.all()), FloatGelu.forward(rows));
        assertClose(y.transpose(), FloatGelu.forward(z.transpose()));
        assertClose(dz.transpose(), FloatGelu.backward(z.transpose(), dy.transpose()));
    }

    @Test
    void theFloatSoftmaxPassMatchesNd4jsOperations() {
        for (int t : new int[] {16, 28}) { // whole vectors, and a remainder on every vector length
            for (boolean causal : new boolean[] {false, true}) {
                Nd4j.getRandom().setSeed(t);
                INDArray scores = Nd4j.randn(DataType.FLOAT, 3 * t, t).muli(3);
                INDArray dW = Nd4j.randn(DataType.FLOAT, 3 * t, t);
                double scale = 0.25;
                INDArray expected = scores.mul(scale);
                if (causal) {
                    expected.reshape(3, (long) t * t).addiRowVector(
                            MultiHeadAttention.causalMask(t, DataType.FLOAT).reshape(1, (long) t * t));
                }
                expected = Nd4j.exec(new SoftMax(expected, expected.ulike(), 1))[0];
                INDArray expectedGrad = dW.sub(dW.mul(expected).sum(true, 1)).muli(expected).muli(scale);
                assertTrue(FloatSoftmax.usable(scores));
                INDArray weights = FloatSoftmax.forward(scores.dup(), scale, causal);
                assertClose(expected, weights);
                assertClose(expectedGrad, FloatSoftmax.backward(dW.dup(), weights, scale));
                // 'f'-order arrays and views at an offset are read as what they show
                for (INDArray in : KernelChecks.layouts(scores)) {
                    INDArray w = KernelChecks.ran(FloatSoftmax.class,
                            () -> FloatSoftmax.forward(in, scale, causal));
                    assertClose(expected, w);
                }
                for (INDArray d : KernelChecks.layouts(dW)) {
                    assertClose(expectedGrad, FloatSoftmax.backward(d, weights.dup('f'), scale));
                }
                if (causal) {
                    for (int r = 0; r < 3 * t; r++) {
                        for (int j = r % t + 1; j < t; j++) {
                            assertEquals(0f, weights.getFloat(r, j), "row " + r + ", a later token " + j);
                        }
                    }
                }
            }
        }
    }

    /**
     * 16 tokens and heads 16 wide fill whole vectors (8 or 16 floats), as the vision transformer's 16 patches do, so
     * the fused pass runs; heads 24 or 12 wide too, padded with zero channels to whole vectors where they are not
     * (the GPT's heads are 24 wide), and 32 tokens, where a causal block of queries sees only some of the keys. 12
     * tokens do not: the layer keeps ND4J's products, which must give the same answer.
     */
    @ParameterizedTest(name = "{0} tokens, width {1} in 2 heads")
    @CsvSource({"16, 32", "16, 48", "32, 48", "16, 24", "12, 32"})
    void theFloatAttentionMatchesNd4jsProductsInDouble(int t, int c) {
        boolean fused = t != 12;
        assertEquals(fused, FloatAttention.usable(DataType.FLOAT, t, c / 2));
        assertTrue(!FloatAttention.usable(DataType.DOUBLE, t, c / 2), "double precision keeps ND4J's products");
        for (boolean causal : new boolean[] {false, true}) {
            ComputationGraph[] graphs = doubleAndFloat(c, t, g -> {
                g.addLayer("layer", new MultiHeadAttention(c, t, 2, causal, 0.3), "in");
                return "layer";
            });
            DataType[] types = {DataType.DOUBLE, DataType.FLOAT};
            Nd4j.getRandom().setSeed(8);
            INDArray x = Nd4j.randn(DataType.DOUBLE, 3, t, c);
            INDArray y = Nd4j.zeros(DataType.DOUBLE, 3, t, 3);
            for (int b = 0; b < 3; b++) {
                for (int i = 0; i < t; i++) {
                    y.putScalar(b, i, (b + 2 * i) % 3, 1);
                }
            }
            List<Map<String, INDArray>> gradients = new ArrayList<>();
            for (int n = 0; n < 2; n++) {
                ComputationGraph g = graphs[n];
                INDArray in = x.castTo(types[n]);
                INDArray labels = y.castTo(types[n]);
                long before = Engine.passes(FloatAttention.class);
                gradients.add(n == 0 || !fused ? KernelChecks.gradient(g, in, labels, 1)
                        : KernelChecks.ran(FloatAttention.class,
                                () -> KernelChecks.gradient(g, in, labels, 1)));
                if (!fused) {
                    assertEquals(before, Engine.passes(FloatAttention.class),
                            "no fused pass for " + t + " tokens and heads " + c / 2 + " wide");
                }
            }
            assertClose(graphs[0].outputSingle(x), graphs[1].outputSingle(x.castTo(DataType.FLOAT)));
            // each parameter block (Wq, Wk, Wv, Wo and their biases) against its own scale
            KernelChecks.assertBlocksClose(gradients.get(0), gradients.get(1), 1e-4,
                    "causal " + causal);
        }
    }

    /**
     * A few rows' projection in Java against ND4J's product and bias, for output widths that take every path, and the rows are read in every layout a layer hands over; a training batch's product stays ND4J's.
     */
    @Test
    void aFewRowsAreProjectedInJavaAsNd4jMultiplies() {
        INDArray rows = KernelChecks.uniform(3, DataType.FLOAT, -1, 1, 16, 20);
        // 37 outputs: whole vectors and a remainder; 5 vectors and 5 more: a block of four vectors too
        for (int nOut : new int[] {37, 5 * FloatMath.S.length() + 5}) {
            INDArray w = KernelChecks.uniform(1, DataType.FLOAT, -1, 1, 20, nOut);
            INDArray b = KernelChecks.uniform(2, DataType.FLOAT, -1, 1, 1, nOut);
            INDArray expected = rows.mmul(w).addiRowVector(b);
            for (INDArray in : KernelChecks.layouts(rows)) {
                assertTrue(SmallProjection.usable(in, w));
                assertClose(expected, KernelChecks.ran(SmallProjection.class, () -> SmallProjection.project(in, w, b)));
            }
            assertClose(rows.mmul(w), SmallProjection.project(rows, w, null));
        }
        INDArray batch = Nd4j.zeros(DataType.FLOAT, SmallProjection.MAX_MULTIPLY_ADDS / (20 * 37) + 1, 20);
        assertFalse(SmallProjection.usable(batch, Nd4j.zeros(DataType.FLOAT, 20, 37)), "a training batch's product is ND4J's GEMM");
    }

    /**
     * Long enough for C2 to compile the attention's loops (its gathers, its four-query blocks), every call's outputs
     * and gradients equal to the first call's to the bit: the interpreter's and the compiled code's arithmetic are
     * the same IEEE operations, so any difference is a value the compiled code lost.
     */
    @ParameterizedTest(name = "width {0} in 2 heads")
    @ValueSource(ints = {32, 48}) // heads of 16, whole vectors; heads of 24, padded to 32 channels on AVX-512
    void compiledAttentionKeepsEveryValue(int c) {
        int t = 16;
        INDArray q = KernelChecks.uniform(21, DataType.FLOAT, -1, 1, 3 * t, c);
        INDArray k = KernelChecks.uniform(22, DataType.FLOAT, -1, 1, 3 * t, c);
        INDArray v = KernelChecks.uniform(23, DataType.FLOAT, -1, 1, 3 * t, c);
        INDArray dOut = KernelChecks.uniform(24, DataType.FLOAT, -1, 1, 3 * t, c);
        for (boolean causal : new boolean[] {false, true}) {
            List<float[]> first = null;
            for (int call = 0; call < 400; call++) {
                INDArray[] w = new INDArray[1];
                INDArray out = FloatAttention.forward(q, k, v, t, 2, 0.25, causal, w);
                INDArray[] grads = FloatAttention.backward(dOut, q, k, v, w[0], t, 2, 0.25, causal);
                List<float[]> now = List.of(out.data().asFloat(), w[0].data().asFloat(), grads[0].data().asFloat(),
                        grads[1].data().asFloat(), grads[2].data().asFloat());
                if (first == null) {
                    first = now;
                }
                for (int i = 0; i < now.size(); i++) {
                    assertArrayEquals(first.get(i), now.get(i), "causal " + causal + ", call " + call + ", array " + i);
                }
            }
        }
    }

    /**
     * One image's patch embedding in Java, as the stock layer computes it, and the network's output with it; a
     * training batch's product is ND4J's GEMM again.
     */
    @Test
    void oneImageIsEmbeddedAndClassifiedInJavaAsTheStockLayersDo() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).graphBuilder()
                .addInputs("image").setInputTypes(InputType.convolutional(28, 28, 1))
                .addLayer("embed", new PatchEmbedding(7, 0, 16), "image")
                .addLayer("pool", new TokenMean(16, 16), "embed")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out").build();
        assertEquals("VectorPatchEmbedding", Engine.plan(conf).kernels().get("embed"));
        ComputationGraph stock = KernelChecks.net(conf);
        ComputationGraph fast = KernelChecks.net(Engine.plan(conf).configuration());
        fast.setParams(stock.params());
        for (int batch : new int[] {1, 64}) {
            INDArray x = KernelChecks.uniform(batch, DataType.FLOAT, 0, 1, batch, 1, 28, 28);
            long before = Engine.passes(SmallProjection.class);
            INDArray got = fast.outputSingle(x);
            // DL4J's classifier keeps its weights in 'f' order: ND4J's product, not a copy for the Java pass
            assertEquals(batch == 1 ? 1 : 0, Engine.passes(SmallProjection.class) - before,
                    "batch " + batch + ": the projections taken in Java");
            assertClose(stock.outputSingle(x), got);
        }
    }

    /**
     * The layer norm's passes against the layer's own ND4J operations in double precision: the output, the gain's,
     * bias's and input's gradients (the last through a projection before it); 64 channels fill whole vectors, 20
     * leave a remainder.
     */
    @ParameterizedTest(name = "{0} channels")
    @CsvSource({"64", "20"})
    void theLayerNormPassesMatchTheLayersOwnInDouble(int c) {
        int t = 5;
        ComputationGraph[] graphs = doubleAndFloat(c, t, g -> {
            g.addLayer("lin", new Linear(c, c, t, false, true, 0.5), "in");
            g.addLayer("norm", new LayerNorm(c, t), "lin");
            return "norm";
        });
        // a gain and a bias of their own, so that their gradients and their use in the pass are both seen
        graphs[0].getParam("norm_gain").assign(KernelChecks.uniform(6, DataType.DOUBLE, 0.5, 1.5, 1, 1, c));
        graphs[0].getParam("norm_bias").assign(KernelChecks.uniform(7, DataType.DOUBLE, -0.5, 0.5, 1, 1, c));
        graphs[1].setParams(graphs[0].params().castTo(DataType.FLOAT));
        INDArray x = KernelChecks.uniform(8, DataType.DOUBLE, -2, 3, 4, t, c);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, 4, t, 3);
        for (int b = 0; b < 4; b++) {
            for (int i = 0; i < t; i++) {
                y.putScalar(b, i, (b + i) % 3, 1);
            }
        }
        Map<String, INDArray> exact = KernelChecks.gradient(graphs[0], x, y, 1);
        Map<String, INDArray> fast = KernelChecks.ran(VectorLayerNorm.class,
                () -> KernelChecks.gradient(graphs[1], x.castTo(DataType.FLOAT), y.castTo(DataType.FLOAT), 1));
        assertClose(graphs[0].outputSingle(x), graphs[1].outputSingle(x.castTo(DataType.FLOAT)));
        // the projection before the norm learns through the norm's input gradient
        KernelChecks.assertBlocksClose(exact, fast, 1e-4, c + " channels");
    }

    /**
     * The layers {@code layers} adds after input "in" ([batch, t, c] tokens; it returns its last vertex's name), then
     * a softmax over 3 classes per token: in double, and in float as the engine's door runs it, with the double
     * graph's parameters.
     */
    private static ComputationGraph[] doubleAndFloat(
            int c, int t, Function<ComputationGraphConfiguration.GraphBuilder, String> layers) {
        ComputationGraph[] graphs = new ComputationGraph[2];
        DataType[] types = {DataType.DOUBLE, DataType.FLOAT};
        for (int n = 0; n < 2; n++) {
            var g = new NeuralNetConfiguration.Builder().seed(5).dataType(types[n]).updater(new Adam(1e-3))
                    .graphBuilder().addInputs("in").setInputTypes(InputType.recurrent(c, t, RNNFormat.NWC));
            String last = layers.apply(g);
            graphs[n] = Engine.network(g.addLayer("out", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                    .nOut(3).activation(Activation.SOFTMAX).dataFormat(RNNFormat.NWC).build(), last)
                    .setOutputs("out").build());
            graphs[n].init();
        }
        graphs[1].setParams(graphs[0].params().castTo(DataType.FLOAT));
        return graphs;
    }
}
