package net.dl4jnets.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.function.UnaryOperator;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class ReluLayerTest {
    @BeforeAll
    static void backend() {
        KernelChecks.start(1);
    }

    /** conv 3x3 → batch norm → an activation layer of {@code relu}, made by {@code as} → softmax 3, on [n, 2, 5, 7]. */
    static ComputationGraphConfiguration graph(IActivation relu, UnaryOperator<ActivationLayer> as) {
        return new NeuralNetConfiguration.Builder().seed(4).dataType(DataType.FLOAT).updater(new Adam(0.05))
                .graphBuilder()
                .addInputs("x").setInputTypes(InputType.convolutional(5, 7, 2))
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(3).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.IDENTITY).build(), "x")
                .addLayer("bn", new BatchNormalization.Builder().build(), "conv")
                .addLayer("relu", as.apply(new ActivationLayer(relu)), "bn")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "relu")
                .setOutputs("out").build();
    }

    @Test
    void givesDl4jsOutputsAndGradients() {
        // only the activation layer differs: DL4J's with its ReLU, the kernel with the door's
        ComputationGraph dl4j = KernelChecks.net(graph(new ActivationReLU(), UnaryOperator.identity()));
        ComputationGraph ours = KernelChecks.net(graph(new VectorRelu(), ReluLayer::of));
        assertInstanceOf(ReluLayer.Runtime.class, ours.getLayer("relu"));
        ours.setParams(dl4j.params());
        // 5·2·5·7 inputs: vectors and a tail; labels of 3 classes
        INDArray x = KernelChecks.uniform(2, DataType.FLOAT, -1, 1, 5, 2, 5, 7);
        INDArray y = Nd4j.eye(3).castTo(DataType.FLOAT).repeat(0, 2).get(org.nd4j.linalg.indexing.NDArrayIndex
                .interval(0, 5));
        var expected = KernelChecks.gradient(dl4j, x, y, 1);
        var got = KernelChecks.ran(ReluLayer.class, () -> KernelChecks.gradient(ours, x, y, 1));
        assertEquals(dl4j.score(), ours.score(), 1e-6);
        KernelChecks.assertBlocksClose(expected, got, 1e-5, "gradients");
        VectorBatchNormTest.assertClose(dl4j.outputSingle(x), ours.outputSingle(x), 1e-6, "inference");
        for (int step = 0; step < 3; step++) {
            dl4j.fit(new org.nd4j.linalg.dataset.DataSet(x, y));
            ours.fit(new org.nd4j.linalg.dataset.DataSet(x, y));
        }
        VectorBatchNormTest.assertClose(dl4j.params(), ours.params(), 1e-4, "parameters after 3 steps");
    }

    /** A ReLU with a cap or a leak is not max(0, z): DL4J's layer runs it. */
    @Test
    void leavesOtherRelusToDl4j() {
        ComputationGraphConfiguration leaky = graph(new ActivationReLU(null, 0.0, 0.1), UnaryOperator.identity());
        assertEquals("ReluLayer", Engine.plan(graph(new ActivationReLU(), UnaryOperator.identity())).kernels()
                .get("relu"));
        assertFalse(Engine.plan(leaky).kernels().containsKey("relu"));
        ComputationGraph g = KernelChecks.net(Engine.plan(leaky).configuration());
        assertFalse(g.getLayer("relu") instanceof ReluLayer.Runtime);
    }
}
