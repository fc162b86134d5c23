package net.dl4jnets.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.constraint.MaxNormConstraint;
import org.deeplearning4j.nn.conf.dropout.GaussianDropout;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.weightnoise.DropConnect;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

import net.dl4jnets.layers.Linear;
import net.dl4jnets.layers.MultiHeadAttention;
import net.dl4jnets.layers.PatchEmbedding;

/**
 * The kernels take their settings from DL4J's classes through DL4J's JSON, not by copying private fields: a layer
 * with every kind of setting a builder makes (dropout, weight noise, constraints, initialisation, regularisation,
 * gradient normalisation, its own updater with a schedule) crosses to the kernel and back unchanged, and the kernel
 * holds the same settings. If a DL4J upgrade breaks the crossing, this test names the class.
 */
class ConfigsTest {
    @BeforeAll
    static void backend() {
        KernelChecks.start(1);
    }

    static <B extends Layer.Builder<B>> B everything(B b) {
        return b.dropOut(new GaussianDropout(0.3)).constrainWeights(new MaxNormConstraint(2.0, 1));
    }

    static List<Layer> stockLayers() {
        var adam = new Adam(new ExponentialSchedule(ScheduleType.EPOCH, 1e-3, 0.9));
        return List.of(
                everything(new DenseLayer.Builder().nIn(7).nOut(5).activation(Activation.RELU)
                        .weightInit(WeightInit.XAVIER).biasInit(0.1).l2(1e-4).weightDecay(1e-3).updater(adam)
                        .weightNoise(new DropConnect(0.9))
                        .gradientNormalization(GradientNormalization.ClipL2PerLayer)
                        .gradientNormalizationThreshold(2.5)).build(),
                everything(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(5).nOut(3)
                        .activation(Activation.SOFTMAX).l1(1e-5)).build(),
                everything(new ConvolutionLayer.Builder(3, 3).nIn(1).nOut(4).stride(2, 2).padding(1, 1)
                        .dilation(1, 1).convolutionMode(ConvolutionMode.Truncate).activation(Activation.RELU)
                        .weightInit(WeightInit.RELU)).build(),
                new BatchNormalization.Builder().nIn(4).nOut(4).decay(0.8).eps(1e-4).useLogStd(false)
                        .lockGammaBeta(false).build(),
                new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(3, 2).stride(2, 1).padding(1, 0)
                        .convolutionMode(ConvolutionMode.Strict).avgPoolIncludePadInDivisor(true).build(),
                everything(new LSTM.Builder().nIn(6).nOut(16).forgetGateBiasInit(2.0).dataFormat(RNNFormat.NCW)
                        .activation(Activation.TANH)).build(),
                new MultiHeadAttention(16, 8, 2, true, 0.01),
                new Linear(6, 16, 8, true, false, 0.05).ncw(true, false),
                new PatchEmbedding(4, 1, 8));
    }

    @Test
    void everyKernelCarriesEverySettingThereAndBack() {
        for (Layer stock : stockLayers()) {
            String what = stock.getClass().getSimpleName();
            ComputationGraphConfiguration conf = alone(stock);
            Engine.Plan plan = Engine.plan(conf);
            Layer original = layer(conf);
            Layer fast = layer(plan.configuration());
            assertTrue(fast instanceof Kernel, what + " has a kernel");
            assertSame(original.getClass(), fast.getClass().getSuperclass(), what);
            assertEquals(original.getIDropout(), fast.getIDropout(), what);
            assertEquals(original.getConstraints(), fast.getConstraints(), what);
            if (original instanceof BaseLayer o && fast instanceof BaseLayer f) {
                assertEquals(o.getWeightNoise(), f.getWeightNoise(), what);
                assertEquals(o.getRegularization(), f.getRegularization(), what);
                assertEquals(o.getWeightInitFn(), f.getWeightInitFn(), what);
                assertEquals(o.getBiasInit(), f.getBiasInit(), what);
                assertEquals(o.getGradientNormalization(), f.getGradientNormalization(), what);
                assertEquals(o.getGradientNormalizationThreshold(), f.getGradientNormalizationThreshold(), what);
                assertEquals(o.getIUpdater().getLearningRate(0, 3), f.getIUpdater().getLearningRate(0, 3), what);
            }
            assertEquals(conf.toJson(), Engine.stock(plan.configuration()).toJson(), what + ": a setting was lost");
        }
    }

    /**
     * {@code stock} alone in a float network, behind an identity so that it does not read the data, but for a
     * convolution: the engine's is for the one that does.
     */
    static ComputationGraphConfiguration alone(Layer stock) {
        return new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in")
                .addLayer("a", new ActivationLayer.Builder().activation(Activation.IDENTITY).build(), "in")
                .addLayer("layer", stock, stock instanceof ConvolutionLayer ? "in" : "a").setOutputs("layer")
                .allowDisconnected(true).build();
    }

    static Layer layer(ComputationGraphConfiguration conf) {
        return ((LayerVertex) conf.getVertices().get("layer")).getLayerConf().getLayer();
    }

    @Test
    void thePlanNamesTheKernelsAndStockMapsEveryOneBack() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).updater(new Adam(1e-3))
                .graphBuilder().addInputs("in")
                .addLayer("lstm", new LSTM.Builder().nOut(16).build(), "in")
                .addLayer("both", new Bidirectional(new LSTM.Builder().nOut(16).build()), "lstm")
                .addLayer("out", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "both")
                .setOutputs("out").setInputTypes(InputType.recurrent(5, 4)).build();
        Engine.Plan plan = Engine.plan(conf);
        assertEquals(Map.of("lstm", "FusedLstm", "both", "FusedLstm", "updater", "VectorAdam"), plan.kernels());
        assertEquals(List.of("FusedLstm", "VectorAdam"), plan.kernelNames());
        String back = Engine.stock(plan.configuration()).toJson();
        assertFalse(back.contains("net.dl4jnets"), back);
        assertEquals(conf.toJson(), back);
    }

    @Test
    void aStockChoiceOrADoubleNetworkRunsStockAndSaysWhy() {
        var conf = new NeuralNetConfiguration.Builder().dataType(org.nd4j.linalg.api.buffer.DataType.DOUBLE)
                .graphBuilder().addInputs("in")
                .addLayer("out", new OutputLayer.Builder().nIn(4).nOut(2).activation(Activation.SOFTMAX).build(), "in")
                .setOutputs("out").build();
        Engine.Plan plan = Engine.plan(conf);
        assertTrue(plan.kernels().isEmpty());
        assertTrue(plan.line().contains("computes in float"), plan.line());
        try {
            Engine.choose(Engine.Choice.STOCK);
            assertEquals("engine: stock DL4J", Engine.plan(conf).line());
        } finally {
            Engine.choose(Engine.Choice.FAST);
        }
    }
}
