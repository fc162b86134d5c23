package net.dl4jnets.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.UnaryOperator;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import net.dl4jnets.engine.GradientChecks;

class SinglePassDenseTest {
    static final INDArray X = KernelChecks.uniform(11, DataType.DOUBLE, -0.5, 0.5, 8, 6);
    static final INDArray Y = Nd4j.eye(3).getRows(0, 1, 2, 0, 1, 2, 0, 1).castTo(DataType.DOUBLE);

    static ComputationGraphConfiguration graph(UnaryOperator<DenseLayer> as, boolean first, DataType type) {
        return graph(as, first, type, true);
    }

    /** input 6 → dense 5 (ReLU) → dense 4 (tanh, dropout on its input) → softmax 3, each dense made by {@code as}. */
    static ComputationGraphConfiguration graph(UnaryOperator<DenseLayer> as, boolean first, DataType type,
                                               boolean dropout) {
        DenseLayer h1 = new DenseLayer.Builder().nOut(5).activation(Activation.RELU).build();
        var h2 = new DenseLayer.Builder().nOut(4).activation(Activation.TANH);
        if (dropout) {
            h2.dropOut(0.9);
        }
        Layer l1 = as.apply(h1);
        if (first && l1 instanceof SinglePassDense s) {
            l1 = s.readingData();
        }
        return new NeuralNetConfiguration.Builder().seed(7).dataType(type).updater(new Adam(0.05)).graphBuilder()
                .addInputs("x").setInputTypes(InputType.feedForward(6))
                .addLayer("h1", l1, "x")
                .addLayer("h2", as.apply(h2.build()), "h1")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "h2")
                .setOutputs("out").build();
    }

    @Test
    void givesDl4jsGradientsWithOneForwardPass() {
        for (boolean first : new boolean[] {false, true}) {
            ComputationGraph dl4j = KernelChecks.net(graph(UnaryOperator.identity(), false, DataType.DOUBLE));
            ComputationGraph ours = KernelChecks.net(graph(SinglePassDense::of, first, DataType.DOUBLE));
            ours.setParams(dl4j.params());
            for (ComputationGraph g : new ComputationGraph[] {dl4j, ours}) {
                g.setInputs(X);
                g.setLabels(Y);
                Nd4j.getRandom().setSeed(1); // the same dropout mask for both
                g.computeGradientAndScore();
            }
            assertEquals(dl4j.score(), ours.score(), 1e-12);
            INDArray expected = dl4j.gradient().gradient();
            INDArray got = ours.gradient().gradient();
            assertTrue(expected.equalsWithEps(got, 1e-12), "gradients differ: " + expected + " vs " + got);
        }
    }

    @Test
    void trainsStepForStepLikeDl4jsLayerInsideWorkspaces() {
        ComputationGraph dl4j = KernelChecks.net(graph(UnaryOperator.identity(), false, DataType.FLOAT, false));
        ComputationGraph ours = KernelChecks.net(graph(SinglePassDense::of, true, DataType.FLOAT, false));
        ours.setParams(dl4j.params());
        DataSet d = new DataSet(X.castTo(DataType.FLOAT), Y.castTo(DataType.FLOAT));
        double untrained = ours.score(d);
        for (int step = 0; step < 5; step++) {
            dl4j.fit(d);
            ours.fit(d);
        }
        assertTrue(dl4j.params().equalsWithEps(ours.params(), 1e-5), "the two drifted apart");
        assertTrue(ours.score(d) < 0.9 * untrained, "no learning: " + untrained + " -> " + ours.score(d));
    }

    /** input 6 → ReLU 37 → ReLU 20 (dropout on its input if asked) → softmax 3: vectors and a tail in each row. */
    static ComputationGraphConfiguration reluGraph(boolean vector, boolean dropout) {
        UnaryOperator<DenseLayer.Builder> relu = b -> vector ? b.activation(new VectorRelu()) : b.activation(Activation.RELU);
        DenseLayer h1 = relu.apply(new DenseLayer.Builder().nOut(37)).build();
        DenseLayer h2 = relu.apply(dropout ? new DenseLayer.Builder().nOut(20).dropOut(0.9)
                : new DenseLayer.Builder().nOut(20)).build();
        return new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.FLOAT).updater(new Adam(0.05))
                .graphBuilder()
                .addInputs("x").setInputTypes(InputType.feedForward(6))
                .addLayer("h1", vector ? SinglePassDense.of(h1).readingData() : h1, "x")
                .addLayer("h2", vector ? SinglePassDense.of(h2) : h2, "h1")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "h2")
                .setOutputs("out").build();
    }

    /** With VectorRelu a float layer adds its bias, keeps its pre-activation and sums its bias gradient in its passes. */
    @Test
    void fusedReluPassesGiveDl4jsGradientsAndSteps() {
        INDArray x = X.castTo(DataType.FLOAT);
        INDArray y = Y.castTo(DataType.FLOAT);
        ComputationGraph dl4j = KernelChecks.net(reluGraph(false, true));
        ComputationGraph withDropout = KernelChecks.net(reluGraph(true, true));
        withDropout.setParams(dl4j.params());
        var expected = KernelChecks.gradient(dl4j, x, y, 1); // the same dropout mask for both
        var got = KernelChecks.ran(SinglePassDense.class, () -> KernelChecks.gradient(withDropout, x, y, 1));
        assertEquals(dl4j.score(), withDropout.score(), 1e-5);
        KernelChecks.assertBlocksClose(expected, got, 1e-5, "fused ReLU");
        assertTrue(dl4j.outputSingle(x).equalsWithEps(withDropout.outputSingle(x), 1e-5), "inference differs");
        ComputationGraph ours;
        // step for step without dropout (DL4J's layers draw their masks in another order across a fit)
        dl4j = KernelChecks.net(reluGraph(false, false));
        ours = KernelChecks.net(reluGraph(true, false));
        ours.setParams(dl4j.params());
        DataSet d = new DataSet(x, y);
        for (int step = 0; step < 5; step++) {
            dl4j.fit(d);
            ours.fit(d);
        }
        assertTrue(dl4j.params().equalsWithEps(ours.params(), 1e-4), "the two drifted apart");
    }

    /** 'f'-order and offset inputs, an odd batch: the fused pass reads them as DL4J's layer does. */
    @Test
    void fusedReluPassesTakeEveryLayoutAndOddBatches() {
        ComputationGraph dl4j = KernelChecks.net(reluGraph(false, false));
        ComputationGraph ours = KernelChecks.net(reluGraph(true, false));
        ours.setParams(dl4j.params());
        for (int batch : new int[] {8, 7, 1}) {
            INDArray x = KernelChecks.uniform(batch, DataType.FLOAT, -1, 1, batch, 6);
            INDArray y = Nd4j.eye(3).castTo(DataType.FLOAT).getRows(java.util.stream.IntStream.range(0, batch)
                    .map(i -> i % 3).toArray());
            var expected = KernelChecks.gradient(dl4j, x, y, 1);
            for (INDArray in : KernelChecks.layouts(x)) {
                var got = KernelChecks.ran(SinglePassDense.class, () -> KernelChecks.gradient(ours, in, y, 1));
                KernelChecks.assertBlocksClose(expected, got, 1e-5, "batch " + batch + ", order " + in.ordering()
                        + ", offset " + in.offset());
            }
        }
    }

    @Test
    void passesTheGradientCheckAndSurvivesJson() {
        ComputationGraphConfiguration conf = graph(SinglePassDense::of, true, DataType.DOUBLE);
        assertTrue(GradientChecks.check(conf, X, Y));
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(conf.toJson());
        var h1 = assertInstanceOf(SinglePassDense.class,
                ((LayerVertex) back.getVertices().get("h1")).getLayerConf().getLayer());
        assertEquals(false, h1.isInputGradient());
        assertEquals(Activation.RELU.getActivationFunction(), h1.getActivationFn());
        ComputationGraph a = KernelChecks.net(conf);
        ComputationGraph b = KernelChecks.net(back);
        b.setParams(a.params());
        assertTrue(a.outputSingle(X).equalsWithEps(b.outputSingle(X), 1e-12));
    }
}
