package net.dl4jnets.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

class SoftmaxOutputTest {
    static final INDArray X = KernelChecks.uniform(12, DataType.FLOAT, -2, 2, 8, 6);
    /** One-hot rows, and one soft row (the loss and gradient are written for any labels, as DL4J's). */
    static final INDArray Y = Nd4j.createFromArray(new float[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 0, 0},
            {0, 1, 0}, {0, 0, 1}, {0.5f, 0.5f, 0}, {1, 0, 0}});

    /** input 6 → dense 5 (tanh) → softmax 3 (made by {@code as}, with dropout on its input if asked). */
    static ComputationGraphConfiguration graph(UnaryOperator<OutputLayer> as, boolean dropout) {
        var builder = new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX);
        if (dropout) {
            builder.dropOut(0.8);
        }
        OutputLayer out = builder.build();
        Layer last = as.apply(out);
        return new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.FLOAT).updater(new Adam(0.05))
                .graphBuilder()
                .addInputs("x").setInputTypes(InputType.feedForward(6))
                .addLayer("h", new DenseLayer.Builder().nOut(5).activation(Activation.TANH).build(), "x")
                .addLayer("out", last, "h")
                .setOutputs("out").build();
    }

    @Test
    void givesDl4jsScoreAndGradientsWithDropout() {
        ComputationGraph dl4j = KernelChecks.net(graph(UnaryOperator.identity(), true));
        ComputationGraph ours = KernelChecks.net(graph(SoftmaxOutput::of, true));
        assertInstanceOf(SoftmaxOutput.Runtime.class, ours.getOutputLayer(0));
        ours.setParams(dl4j.params());
        var expected = KernelChecks.gradient(dl4j, X, Y, 1); // the same dropout mask for both
        var got = KernelChecks.ran(SoftmaxOutput.class, () -> KernelChecks.gradient(ours, X, Y, 1));
        assertEquals(dl4j.score(), ours.score(), 1e-5);
        KernelChecks.assertBlocksClose(expected, got, 1e-5, "with dropout");
    }

    /** 'f'-order and offset inputs and labels, odd batches. */
    @Test
    void takesEveryLayoutAndOddBatches() {
        ComputationGraph dl4j = KernelChecks.net(graph(UnaryOperator.identity(), false));
        ComputationGraph ours = KernelChecks.net(graph(SoftmaxOutput::of, false));
        ours.setParams(dl4j.params());
        for (int batch : new int[] {8, 5, 1}) {
            INDArray x = KernelChecks.uniform(batch, DataType.FLOAT, -2, 2, batch, 6);
            INDArray y = Y.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, batch),
                    org.nd4j.linalg.indexing.NDArrayIndex.all()).dup();
            var expected = KernelChecks.gradient(dl4j, x, y, 1);
            var inputs = KernelChecks.layouts(x);
            var labels = KernelChecks.layouts(y);
            for (int i = 0; i < inputs.size(); i++) {
                INDArray in = inputs.get(i);
                INDArray lab = labels.get(i);
                var got = KernelChecks.ran(SoftmaxOutput.class, () -> KernelChecks.gradient(ours, in, lab, 1));
                assertEquals(dl4j.score(), ours.score(), 1e-5);
                KernelChecks.assertBlocksClose(expected, got, 1e-5, "batch " + batch + ", layout " + i);
            }
        }
    }

    /**
     * Step for step as DL4J's layer. Without dropout: with it, DL4J's fit computes its score with a second dropout
     * mask (and so draws other random numbers for the next steps); this layer reports the loss of the step's own mask.
     */
    @Test
    void trainsStepForStepLikeDl4jsLayer() {
        ComputationGraph dl4j = KernelChecks.net(graph(UnaryOperator.identity(), false));
        ComputationGraph ours = KernelChecks.net(graph(SoftmaxOutput::of, false));
        ours.setParams(dl4j.params());
        DataSet d = new DataSet(X, Y);
        for (int step = 0; step < 5; step++) {
            Nd4j.getRandom().setSeed(step);
            dl4j.fit(d);
            Nd4j.getRandom().setSeed(step);
            KernelChecks.ran(SoftmaxOutput.class, () -> ours.fit(d));
            assertEquals(dl4j.score(), ours.score(), 1e-4, "score after step " + step);
        }
        assertTrue(dl4j.params().equalsWithEps(ours.params(), 1e-4), "the two drifted apart");
        // evaluation (no back-propagation first) is DL4J's own score
        assertEquals(dl4j.score(d), ours.score(d), 1e-5);
    }

    @Test
    void takesOnlySoftmaxWithCrossEntropyAndSurvivesJson() {
        assertThrows(IllegalArgumentException.class, () -> SoftmaxOutput.of(new OutputLayer.Builder(
                LossFunctions.LossFunction.MSE).nOut(3).activation(Activation.IDENTITY).build()));
        ComputationGraphConfiguration conf = graph(SoftmaxOutput::of, true);
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(conf.toJson());
        assertInstanceOf(SoftmaxOutput.class, ((LayerVertex) back.getVertices().get("out")).getLayerConf().getLayer());
    }
}
