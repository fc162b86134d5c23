package net.dl4jnets.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.function.UnaryOperator;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class VectorPoolingTest {
    @BeforeAll
    static void backend() {
        KernelChecks.start(1);
    }

    /** conv 3x3 "same" (3 channels) → the pooling {@code as} makes of {@code pool} → softmax 3, on [n, 2, h, w]. */
    static ComputationGraph net(SubsamplingLayer pool, UnaryOperator<SubsamplingLayer> as, int h, int w,
                                CNN2DFormat format) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT)
                .updater(new Adam(0.05)).graphBuilder()
                .addInputs("x").setInputTypes(InputType.convolutional(h, w, 2, format))
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(3).convolutionMode(ConvolutionMode.Same)
                        .dataFormat(format).activation(Activation.TANH).build(), "x")
                .addLayer("pool", as.apply(pool), "conv")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out").build();
        return KernelChecks.net(conf);
    }

    static SubsamplingLayer pool(PoolingType type, int k, int stride) {
        return new SubsamplingLayer.Builder(type).kernelSize(k, k).stride(stride, stride).build();
    }

    static INDArray labels(int n) {
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, 3);
        for (int i = 0; i < n; i++) {
            y.putScalar(i, i % 3, 1);
        }
        return y;
    }

    /** Output, score and every gradient as DL4J's own layer, through the Java passes. */
    static void assertSameAsDl4j(SubsamplingLayer pool, int h, int w, String what) {
        ComputationGraph dl4j = net(pool, UnaryOperator.identity(), h, w, CNN2DFormat.NCHW);
        ComputationGraph ours = net(pool, VectorPooling::of, h, w, CNN2DFormat.NCHW);
        assertInstanceOf(VectorPooling.Runtime.class, ours.getLayer("pool"));
        ours.setParams(dl4j.params());
        INDArray x = KernelChecks.uniform(5, DataType.FLOAT, -2, 2, 5, 2, h, w);
        var expected = KernelChecks.gradient(dl4j, x, labels(5), 1);
        var got = KernelChecks.ran(VectorPooling.class, () -> KernelChecks.gradient(ours, x, labels(5), 1));
        assertEquals(dl4j.score(), ours.score(), 1e-6, what);
        KernelChecks.assertBlocksClose(expected, got, 1e-5, what);
        VectorBatchNormTest.assertClose(dl4j.outputSingle(x), KernelChecks.ran(VectorPooling.class,
                () -> ours.outputSingle(x)), 1e-6, "inference, " + what);
    }

    @Test
    void givesDl4jsOutputsAndGradients() {
        for (PoolingType type : new PoolingType[] {PoolingType.MAX, PoolingType.AVG}) {
            // 2x2 of stride 2 tiling 8x8 planes (the vector passes); on 7x9 a row and a column left out; windows
            // of 3 that overlap (stride 2) and that slide (stride 1), which the general loops add up
            assertSameAsDl4j(pool(type, 2, 2), 8, 8, type + " 2x2/2 on 8x8");
            assertSameAsDl4j(pool(type, 2, 2), 7, 9, type + " 2x2/2 on 7x9");
            assertSameAsDl4j(pool(type, 3, 2), 9, 9, type + " 3x3/2 on 9x9");
            assertSameAsDl4j(pool(type, 3, 1), 6, 5, type + " 3x3/1 on 6x5");
            assertSameAsDl4j(new SubsamplingLayer.Builder(type).kernelSize(2, 3).stride(1, 3).build(), 6, 9,
                    type + " 2x3/(1, 3) on 6x9");
        }
    }

    /** What the Java passes do not cover runs DL4J's own code: the same results, and no Java pass. */
    @Test
    void leavesWhatItDoesNotCoverToDl4j() {
        SubsamplingLayer[] others = {
                new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).padding(1, 1).build(),
                new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .convolutionMode(ConvolutionMode.Same).build(),
                new SubsamplingLayer.Builder(PoolingType.PNORM).kernelSize(2, 2).stride(2, 2).pnorm(2).build()};
        for (SubsamplingLayer other : others) {
            ComputationGraph dl4j = net(other, UnaryOperator.identity(), 7, 7, CNN2DFormat.NCHW);
            ComputationGraph ours = net(other, VectorPooling::of, 7, 7, CNN2DFormat.NCHW);
            ours.setParams(dl4j.params());
            INDArray x = KernelChecks.uniform(5, DataType.FLOAT, -2, 2, 4, 2, 7, 7);
            long before = Engine.passes(VectorPooling.class);
            var got = KernelChecks.gradient(ours, x, labels(4), 1);
            assertEquals(before, Engine.passes(VectorPooling.class), other + " ran the Java pass");
            KernelChecks.assertBlocksClose(KernelChecks.gradient(dl4j, x, labels(4), 1), got, 1e-6, other.toString());
        }
    }

    /**
     * Long enough for C2 to compile the passes' loops, each result checked against a plain loop: a vector that
     * the compiled scatter lost would leave a gradient of the plane before (as it did for the mean's).
     */
    @Test
    void compiledPassesKeepEveryValue() {
        // on two threads, as a batch of this size runs (each thread its part of the planes)
        int threads = Nd4j.getEnvironment().maxMasterThreads();
        Nd4j.getEnvironment().setMaxMasterThreads(2);
        try {
            compiledPassesKeepEveryValue(16);
        } finally {
            Nd4j.getEnvironment().setMaxMasterThreads(threads);
        }
    }

    private static void compiledPassesKeepEveryValue(int n) {
        FloatPooling.Shape s = new FloatPooling.Shape(2, 2, 2, 2, 24, 24, 12, 12);
        for (boolean max : new boolean[] {true, false}) {
            INDArray x = KernelChecks.uniform(7, DataType.FLOAT, -1, 1, n, 32, 24, 24);
            INDArray dy = KernelChecks.uniform(8, DataType.FLOAT, -1, 1, n, 32, 12, 12);
            float[] in = x.data().asFloat();
            float[] g = dy.data().asFloat();
            float[] y = new float[g.length];
            float[] dx = new float[in.length];
            for (int p = 0; p < n * 32; p++) {
                for (int o = 0; o < 144; o++) {
                    int corner = p * 576 + o / 12 * 48 + o % 12 * 2;
                    int[] taps = {corner, corner + 1, corner + 24, corner + 25};
                    int arg = taps[0];
                    float sum = 0;
                    for (int t : taps) {
                        arg = in[t] > in[arg] ? t : arg;
                        sum += in[t];
                    }
                    y[p * 144 + o] = max ? in[arg] : sum / 4;
                    for (int t : taps) {
                        dx[t] = max ? (t == arg ? g[p * 144 + o] : 0) : g[p * 144 + o] / 4;
                    }
                }
            }
            INDArray out = Nd4j.create(DataType.FLOAT, n, 32, 12, 12);
            INDArray grad = Nd4j.create(DataType.FLOAT, n, 32, 24, 24);
            byte[] taps = new byte[(int) out.length()];
            for (int call = 0; call < 40; call++) {
                grad.assign(Float.NaN);
                FloatPooling.forward(x, s, max, out, max ? taps : null);
                FloatPooling.backward(dy, s, max, taps, grad);
                assertArrayEquals(y, out.data().asFloat(), (max ? "max" : "mean") + ", call " + call);
                assertArrayEquals(dx, grad.data().asFloat(), (max ? "max" : "mean") + " gradient, call " + call);
            }
        }
    }
}
