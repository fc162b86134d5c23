package net.dl4jnets.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.UnaryOperator;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;


class VectorBatchNormTest {
    @BeforeAll
    static void backend() {
        KernelChecks.start(1);
    }

    /**
     * conv 3x3 (3 channels, no bias) → batchnorm made by {@code as} → ReLU → softmax 3, on [n, 2, size, size]; the
     * feature maps' planes are size² floats: 30 leaves a tail after the vectors, 64 none.
     */
    static ComputationGraphConfiguration graph(UnaryOperator<BatchNormalization> as, boolean logStd, int h, int w) {
        Layer bn = as.apply(new BatchNormalization.Builder().useLogStd(logStd).decay(0.8).build());
        return new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT).updater(new Adam(0.05))
                .graphBuilder()
                .addInputs("x").setInputTypes(InputType.convolutional(h, w, 2))
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(3).hasBias(false)
                        .convolutionMode(org.deeplearning4j.nn.conf.ConvolutionMode.Same)
                        .activation(Activation.IDENTITY).build(), "x")
                .addLayer("bn", bn, "conv")
                .addLayer("relu", new ActivationLayer(Activation.RELU), "bn")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "relu")
                .setOutputs("out").build();
    }

    static DataSet data(int n, int h, int w) {
        // an offset far from zero: the variance must not come from a difference of large sums
        INDArray x = KernelChecks.uniform(11, DataType.FLOAT, 30, 32, n, 2, h, w);
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, 3);
        for (int i = 0; i < n; i++) {
            y.putScalar(i, i % 3, 1);
        }
        return new DataSet(x, y);
    }

    static void assertClose(INDArray expected, INDArray got, double tolerance, String what) {
        double scale = Math.max(1, expected.amaxNumber().doubleValue());
        double diff = expected.sub(got).amaxNumber().doubleValue();
        assertTrue(diff <= tolerance * scale, what + " differ by " + diff + " (scale " + scale + ")");
    }

    @Test
    void givesDl4jsOutputsGradientsAndRunningAverages() {
        for (boolean logStd : new boolean[] {true, false}) {
            for (int[] hw : new int[][] {{5, 6}, {8, 8}}) {
                ComputationGraph dl4j = KernelChecks.net(graph(UnaryOperator.identity(), logStd, hw[0], hw[1]));
                ComputationGraph ours = KernelChecks.net(graph(VectorBatchNorm::of, logStd, hw[0], hw[1]));
                assertInstanceOf(VectorBatchNorm.Runtime.class, ours.getLayer("bn"));
                ours.setParams(dl4j.params());
                DataSet d = data(hw[0] == 5 ? 7 : 6, hw[0], hw[1]); // an odd batch too
                String setting = "logStd " + logStd + ", plane " + hw[0] + "x" + hw[1];
                var expected = KernelChecks.gradient(dl4j, d.getFeatures(), d.getLabels(), 1);
                var got = KernelChecks.ran(VectorBatchNorm.class,
                        () -> KernelChecks.gradient(ours, d.getFeatures(), d.getLabels(), 1));
                assertEquals(dl4j.score(), ours.score(), 1e-5, setting);
                // every gradient, each block against its own scale: the convolution's (through batchnorm's input
                // gradient), γ, β, the running averages
                KernelChecks.assertBlocksClose(expected, got, 1e-4, "gradients, " + setting);
                for (int step = 0; step < 4; step++) {
                    dl4j.fit(d);
                    KernelChecks.ran(VectorBatchNorm.class, () -> ours.fit(d));
                }
                assertClose(dl4j.params(), ours.params(), 1e-4, "parameters after 4 steps, " + setting);
                // inference reads the running averages
                assertClose(dl4j.outputSingle(d.getFeatures()), ours.outputSingle(d.getFeatures()), 1e-4,
                        "inference, " + setting);
            }
        }
    }

    /** A batch norm that reads the network's input directly meets 'f'-order and offset arrays: its own pass or DL4J's. */
    @Test
    void givesDl4jsGradientsForEveryInputLayout() {
        ComputationGraphConfiguration stock = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT)
                .updater(new Adam(0.05)).graphBuilder()
                .addInputs("x").setInputTypes(InputType.convolutional(5, 6, 2))
                .addLayer("bn", new BatchNormalization.Builder().build(), "x")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "bn")
                .setOutputs("out").build();
        ComputationGraph dl4j = KernelChecks.net(stock);
        ComputationGraph ours = KernelChecks.net(Engine.plan(stock).configuration());
        assertInstanceOf(VectorBatchNorm.Runtime.class, ours.getLayer("bn"));
        DataSet d = data(5, 5, 6);
        for (INDArray in : KernelChecks.layouts(d.getFeatures())) {
            var expected = KernelChecks.gradient(dl4j, in, d.getLabels(), 1);
            var got = KernelChecks.gradient(ours, in, d.getLabels(), 1);
            KernelChecks.assertBlocksClose(expected, got, 1e-4, "order " + in.ordering() + ", offset " + in.offset());
        }
        // the 'c'-order array from the start of its buffer is the kernel's own case
        KernelChecks.ran(VectorBatchNorm.class, () -> KernelChecks.gradient(ours, d.getFeatures(), d.getLabels(), 1));
    }

    @Test
    void learnsAndSurvivesJson() {
        ComputationGraphConfiguration conf = graph(VectorBatchNorm::of, true, 8, 8);
        ComputationGraph g = KernelChecks.net(conf);
        DataSet d = data(12, 8, 8);
        g.setInputs(d.getFeatures());
        g.setLabels(d.getLabels());
        g.computeGradientAndScore();
        double before = g.score();
        for (int step = 0; step < 30; step++) {
            g.fit(d);
        }
        assertTrue(g.score() < 0.7 * before, "no learning: " + before + " → " + g.score());
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(conf.toJson());
        var bn = assertInstanceOf(VectorBatchNorm.class,
                ((LayerVertex) back.getVertices().get("bn")).getLayerConf().getLayer());
        assertEquals(0.8, bn.getDecay());
        assertTrue(bn.isUseLogStd());
        ComputationGraph reloaded = KernelChecks.net(back);
        reloaded.setParams(g.params());
        assertClose(g.outputSingle(d.getFeatures()), reloaded.outputSingle(d.getFeatures()), 1e-6, "reloaded");
    }
}
