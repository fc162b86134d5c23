package net.dl4jnets.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/** The engine's direct step against DL4J's own {@code fit}, step by step, from the same parameters. */
class DirectStepTest {
    /** inputs → hidden layers (activation) → classes by softmax, or one value by squared error. */
    static ComputationGraphConfiguration graph(int inputs, int[] hidden, Activation activation, boolean classes,
                                               IUpdater updater, double dropout) {
        return graph(inputs, hidden, activation, classes, updater, dropout, 0);
    }

    /** ... with dropout on every layer's input (the output layer's too) and L2 on the weights, as week 2's MLP. */
    static ComputationGraphConfiguration graph(int inputs, int[] hidden, Activation activation, boolean classes,
                                               IUpdater updater, double dropout, double l2) {
        var builder = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT).updater(updater);
        if (l2 > 0) {
            builder.l2(l2);
        }
        var g = builder.graphBuilder()
                .addInputs("x").setInputTypes(InputType.feedForward(inputs));
        String previous = "x";
        for (int i = 0; i < hidden.length; i++) {
            var b = new DenseLayer.Builder().nOut(hidden[i]).activation(activation);
            if (dropout > 0) {
                b.dropOut(1 - dropout);
            }
            g.addLayer("h" + i, b.build(), previous);
            previous = "h" + i;
        }
        var out = classes
                ? new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX)
                : new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(1).activation(Activation.IDENTITY);
        if (dropout > 0) {
            out.dropOut(1 - dropout);
        }
        g.addLayer("out", out.build(), previous);
        return Engine.plan(g.setOutputs("out").build()).configuration();
    }

    static DataSet batch(Random r, int n, int inputs, boolean classes) {
        float[] x = new float[n * inputs];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (2 * r.nextDouble() - 1);
        }
        int k = classes ? 3 : 1;
        float[] y = new float[n * k];
        for (int i = 0; i < n; i++) {
            if (classes) {
                y[i * k + r.nextInt(k)] = 1;
            } else {
                y[i] = (float) r.nextGaussian();
            }
        }
        return new DataSet(Nd4j.create(x, new long[] {n, inputs}), Nd4j.create(y, new long[] {n, k}));
    }

    static void assertClose(INDArray expected, INDArray got, double tolerance, String what) {
        double diff = expected.castTo(DataType.DOUBLE).sub(got.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        double scale = Math.max(1, expected.amaxNumber().doubleValue());
        assertTrue(diff <= tolerance * scale, what + ": differs by " + diff);
    }

    /** 40 steps of batches of 1 to 30 on each network: the same parameters, updater state, update, score, counts. */
    void stepsAsFit(ComputationGraphConfiguration conf, int inputs, boolean classes) {
        ComputationGraph dl4j = new ComputationGraph(conf.clone());
        dl4j.init();
        ComputationGraph direct = new ComputationGraph(conf.clone());
        direct.init();
        direct.setParams(dl4j.params().dup());
        Random r = new Random(11);
        for (int step = 0; step < 40; step++) {
            DataSet ds = batch(r, step % 7 == 6 ? 1 : 1 + r.nextInt(30), inputs, classes);
            Nd4j.getRandom().setSeed(100 + step); // the same dropout masks, if the step draws as fit does
            dl4j.fit(ds);
            Nd4j.getRandom().setSeed(100 + step);
            if (step == 0) {
                Engine.fit(direct, ds); // the first is DL4J's own: it builds the updater
            } else {
                KernelChecks.ran(DirectStep.class, () -> Engine.fit(direct, ds));
            }
            String at = "step " + step;
            assertClose(dl4j.params(), direct.params(), 1e-5, at + ", parameters");
            assertClose(dl4j.getUpdater().getStateViewArray() == null ? Nd4j.zeros(1)
                    : dl4j.getUpdater().getStateViewArray(), direct.getUpdater().getStateViewArray() == null
                    ? Nd4j.zeros(1) : direct.getUpdater().getStateViewArray(), 1e-5, at + ", updater state");
            assertClose(dl4j.getFlattenedGradients(), direct.getFlattenedGradients(), 1e-5, at + ", update");
            assertEquals(dl4j.score(), direct.score(), 1e-5 * Math.max(1, dl4j.score()), at + ", score");
            assertEquals(dl4j.getIterationCount(), direct.getIterationCount(), at);
            assertEquals(dl4j.getLayer("out").getIterationCount(), direct.getLayer("out").getIterationCount(), at);
        }
    }

    @Test
    void theWebPlaygroundsNetworkStepsAsFitWithAdam() {
        stepsAsFit(graph(2, new int[] {4, 2}, Activation.TANH, true, new Adam(0.03), 0), 2, true);
    }

    @Test
    void reluAndSigmoidLayersIntoSquaredErrorStepAsFitWithSgd() {
        stepsAsFit(graph(5, new int[] {8}, Activation.RELU, false, new Sgd(0.05), 0), 5, false);
        stepsAsFit(graph(3, new int[] {6, 6, 6}, Activation.SIGMOID, true, new Sgd(0.5), 0), 3, true);
    }

    /** Batches of 2 and more go through ND4J's products (more than 65,536 multiply-adds), a batch of 1 through Java. */
    @Test
    void aWeekTwoMlpStepsAsFitThroughNd4jsProducts() {
        stepsAsFit(graph(784, new int[] {64, 32}, Activation.RELU, true, new Adam(0.01), 0), 784, true);
        stepsAsFit(graph(300, new int[] {200}, Activation.RELU, true, new Sgd(0.1), 0), 300, true);
    }

    /** DL4J's dropout drawn in fit's order from ND4J's random stream, and L2 on the weights: week 2's MLP's recipe. */
    @Test
    void dropoutAndL2StepAsFit() {
        stepsAsFit(graph(784, new int[] {64, 32}, Activation.RELU, true, new Adam(0.01), 0.3, 1e-3), 784, true);
    }

    @Test
    void aLearningRateScheduleIsReadAtEachIteration() {
        stepsAsFit(graph(2, new int[] {5}, Activation.TANH, true,
                new Adam(new ExponentialSchedule(ScheduleType.ITERATION, 0.05, 0.9)), 0), 2, true);
    }

    @Test
    void anythingElseIsFitItself() {
        // dropout with tanh: the Java path does not draw masks, the product path is for ReLU
        ComputationGraph dropout = new ComputationGraph(graph(2, new int[] {4}, Activation.TANH, true, new Adam(0.01),
                0.2));
        dropout.init();
        DirectStep withDropout = DirectStep.of(dropout);
        dropout.fit(batch(new Random(2), 10, 2, true));
        assertTrue(withDropout == null || !withDropout.takes(dropout, batch(new Random(2), 10, 2, true)));
        // weight noise: fit
        ComputationGraphConfiguration noisy = graph(2, new int[] {4}, Activation.RELU, true, new Adam(0.01), 0);
        ((org.deeplearning4j.nn.conf.layers.BaseLayer) ((org.deeplearning4j.nn.conf.graph.LayerVertex) noisy
                .getVertices().get("h0")).getLayerConf().getLayer())
                .setWeightNoise(new org.deeplearning4j.nn.conf.weightnoise.DropConnect(0.5));
        ComputationGraph noise = new ComputationGraph(noisy);
        noise.init();
        assertNull(DirectStep.of(noise));
        // a listener hears fit's calls
        ComputationGraph heard = new ComputationGraph(graph(2, new int[] {4}, Activation.TANH, true, new Adam(0.01), 0));
        heard.init();
        assertNotNull(DirectStep.of(heard));
        int[] iterations = new int[1];
        heard.setListeners(new BaseTrainingListener() {
            @Override
            public void iterationDone(Model model, int iteration, int epoch) {
                iterations[0]++;
            }
        });
        Random r = new Random(1);
        for (int i = 0; i < 3; i++) {
            Engine.fit(heard, batch(r, 10, 2, true));
        }
        assertEquals(3, iterations[0], "every step went through fit, which calls the listener");
        // too large a product for Java loops, with an activation the product path does not take: fit
        ComputationGraph large = new ComputationGraph(graph(784, new int[] {256}, Activation.TANH, true,
                new Adam(0.01), 0));
        large.init();
        DirectStep step = DirectStep.of(large);
        assertNotNull(step);
        large.fit(batch(r, 2, 784, true));
        assertTrue(!step.takes(large, batch(r, 64, 784, true)));
    }

    /**
     * Two networks of the same settings and seed are equal to DL4J ({@code ComputationGraph.equals} compares their
     * parameters), yet each steps its own parameters; and a network no longer used is not kept by the engine.
     */
    @Test
    void eachNetworkStepsItsOwnParametersAndIsNotKept() throws InterruptedException {
        ComputationGraphConfiguration conf = graph(2, new int[] {4}, Activation.TANH, true, new Adam(0.05), 0);
        ComputationGraph a = new ComputationGraph(conf.clone());
        a.init();
        ComputationGraph b = new ComputationGraph(conf.clone());
        b.init();
        assertEquals(a.params(), b.params(), "the same seed: the same parameters");
        Random r = new Random(5);
        for (int i = 0; i < 5; i++) {
            Engine.fit(a, batch(r, 10, 2, true));
        }
        INDArray untouched = b.params().dup();
        Engine.fit(b, batch(r, 10, 2, true));
        Engine.fit(b, batch(r, 10, 2, true));
        assertEquals(2, b.getIterationCount());
        assertEquals(5, a.getIterationCount());
        assertTrue(!b.params().equals(untouched) && !a.params().equals(b.params()));
        java.lang.ref.WeakReference<ComputationGraph> gone = new java.lang.ref.WeakReference<>(a);
        a = null;
        for (int i = 0; i < 50 && gone.get() != null; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertNull(gone.get(), "the engine's cache of steps must not keep a network alive");
    }
}
