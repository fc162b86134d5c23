package net.dl4jnets.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.UnaryOperator;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
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

import net.dl4jnets.engine.GradientChecks;

class InputConvolutionTest {
    @BeforeAll
    static void backend() {
        KernelChecks.start(2);
    }

    /** A convolution setting: kernel, stride, mode, input channels, bias, activation. */
    record Setting(int kernel, int stride, ConvolutionMode mode, int channels, boolean bias, Activation activation) {}

    static final Setting[] SETTINGS = {
        new Setting(5, 1, ConvolutionMode.Truncate, 1, true, Activation.RELU), // the reference CNN's
        new Setting(3, 2, ConvolutionMode.Same, 1, false, Activation.IDENTITY), // the modern CNN's
        new Setting(3, 1, ConvolutionMode.Same, 2, true, Activation.TANH),
        new Setting(4, 3, ConvolutionMode.Same, 2, true, Activation.RELU), // padding on every side, odd strides
    };

    /** conv (made by {@code as}) → max pool → softmax 3 over [n, channels, 9, 11] images. */
    static ComputationGraphConfiguration graph(Setting s, UnaryOperator<ConvolutionLayer> as, DataType type) {
        ConvolutionLayer conv = new ConvolutionLayer.Builder(s.kernel(), s.kernel()).stride(s.stride(), s.stride())
                .convolutionMode(s.mode()).nOut(5).hasBias(s.bias()).activation(s.activation()).build();
        Layer first = as.apply(conv);
        return new NeuralNetConfiguration.Builder().seed(9).dataType(type).updater(new Adam(0.01)).graphBuilder()
                .addInputs("image").setInputTypes(InputType.convolutional(9, 11, s.channels()))
                .addLayer("conv", first, "image")
                .addLayer("pool", new SubsamplingLayer.Builder(2, 2).stride(1, 1).build(), "conv")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out").build();
    }

    static INDArray[] data(int channels, DataType type) {
        return data(6, channels, type);
    }

    static INDArray[] data(int n, int channels, DataType type) {
        INDArray x = KernelChecks.uniform(4 + n, type, -0.3, 0.7, n, channels, 9, 11);
        INDArray y = Nd4j.zeros(type, n, 3);
        for (int i = 0; i < n; i++) {
            y.putScalar(i, i % 3, 1);
        }
        return new INDArray[] {x, y};
    }

    @Test
    void givesDl4jsWeightAndBiasGradients() {
        for (Setting s : SETTINGS) {
            ComputationGraph dl4j = KernelChecks.net(graph(s, UnaryOperator.identity(), DataType.FLOAT));
            ComputationGraph ours = KernelChecks.net(graph(s, InputConvolution::of, DataType.FLOAT));
            assertInstanceOf(InputConvolution.Runtime.class, ours.getLayer("conv"));
            ours.setParams(dl4j.params());
            for (int n : new int[] {6, 5}) { // and an odd batch
                INDArray[] d = data(n, s.channels(), DataType.FLOAT);
                var expected = KernelChecks.gradient(dl4j, d[0], d[1], 1);
                // every layout the network's input may come in: 'c', 'f', a view at an offset
                for (INDArray in : KernelChecks.layouts(d[0])) {
                    var got = KernelChecks.ran(InputConvolution.class,
                            () -> KernelChecks.gradient(ours, in, d[1], 1));
                    KernelChecks.assertBlocksClose(expected, got, 1e-4, s + ", batch " + n + ", order "
                            + in.ordering() + ", offset " + in.offset());
                    assertEquals(dl4j.score(), ours.score(), 1e-6, s.toString());
                    VectorBatchNormTest.assertClose(dl4j.outputSingle(d[0]), KernelChecks.ran(InputConvolution.class,
                            () -> ours.outputSingle(in)), 1e-5, "inference, " + s);
                }
            }
        }
    }

    /**
     * The batch ring hands the same array back with other images in it: each forward pass makes its patches from
     * what the array holds, and back-propagation reads those of the training pass before it.
     */
    @Test
    void readsTheImagesOfARefilledArray() {
        Setting s = SETTINGS[0];
        ComputationGraph dl4j = KernelChecks.net(graph(s, UnaryOperator.identity(), DataType.FLOAT));
        ComputationGraph ours = KernelChecks.net(graph(s, InputConvolution::of, DataType.FLOAT));
        ours.setParams(dl4j.params());
        dl4j.initGradientsView();
        ours.initGradientsView();
        org.deeplearning4j.nn.api.Layer stock = dl4j.getLayer("conv");
        org.deeplearning4j.nn.api.Layer conv = ours.getLayer("conv");
        var ws = org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces();
        INDArray first = data(6, s.channels(), DataType.FLOAT)[0];
        INDArray second = first.mul(-1).addi(0.4); // other images
        INDArray ring = first.dup();
        for (boolean training : new boolean[] {false, true}) {
            ring.assign(first);
            conv.setInput(ring, ws);
            conv.activate(training, ws);
            ring.assign(second);
            stock.setInput(second, ws);
            conv.setInput(ring, ws);
            VectorBatchNormTest.assertClose(stock.activate(training, ws), conv.activate(training, ws), 1e-5,
                    "training " + training);
        }
        INDArray epsilon = KernelChecks.uniform(3, DataType.FLOAT, -1, 1, 6, 5, 5, 7);
        INDArray expected = stock.backpropGradient(epsilon, ws).getFirst().getGradientFor("W").dup();
        INDArray got = conv.backpropGradient(epsilon, ws).getFirst().getGradientFor("W");
        VectorBatchNormTest.assertClose(expected, got, 1e-4, "weight gradient");
    }

    @Test
    void passesTheGradientCheckInDoubleAndSurvivesJson() {
        Setting s = SETTINGS[3];
        ComputationGraphConfiguration conf = graph(s, InputConvolution::of, DataType.DOUBLE);
        INDArray[] d = data(s.channels(), DataType.DOUBLE);
        assertTrue(GradientChecks.check(conf, d[0], d[1]));
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(conf.toJson());
        var conv = assertInstanceOf(InputConvolution.class,
                ((LayerVertex) back.getVertices().get("conv")).getLayerConf().getLayer());
        assertEquals(3, conv.getStride()[0]);
    }
}
