package net.dl4jnets.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.buffer.util.DataTypeUtil;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The fused LSTM is DL4J's LSTM, computed differently: same outputs, same gradients, same training steps. */
class FusedLstmTest {
    private static final int BATCH = 4, IN = 5, HIDDEN = 6, STEPS = 7, CLASSES = 3;

    private static Layer lstm(boolean fused) {
        return lstm(fused, HIDDEN);
    }

    private static Layer lstm(boolean fused, int hidden) {
        LSTM plain = new LSTM.Builder().nOut(hidden).activation(Activation.TANH).build();
        return fused ? FusedLstm.of(plain) : plain;
    }

    /** Two stacked LSTMs and a per-step softmax; {@code tbptt} > 0 trains in segments of that length. */
    private static ComputationGraph stacked(boolean fused, DataType dt, int tbptt) {
        return stacked(fused, dt, tbptt, HIDDEN);
    }

    private static ComputationGraph stacked(boolean fused, DataType dt, int tbptt, int hidden) {
        var g = new NeuralNetConfiguration.Builder().seed(7).dataType(dt).updater(new Sgd(0.5))
                .weightInit(WeightInit.XAVIER).graphBuilder()
                .addInputs("in").setInputTypes(InputType.recurrent(IN))
                .addLayer("l1", lstm(fused, hidden), "in")
                .addLayer("l2", lstm(fused, hidden), "l1")
                .addLayer("out", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(CLASSES)
                        .activation(Activation.SOFTMAX).build(), "l2")
                .setOutputs("out");
        if (tbptt > 0) {
            g.backpropType(BackpropType.TruncatedBPTT).tBPTTForwardLength(tbptt).tBPTTBackwardLength(tbptt);
        }
        var net = new ComputationGraph(g.build());
        net.init();
        return net;
    }

    private static ComputationGraph bidirectional(boolean fused) {
        var g = new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.DOUBLE).updater(new NoOp())
                .weightInit(WeightInit.XAVIER).graphBuilder()
                .addInputs("in").setInputTypes(InputType.recurrent(IN))
                .addLayer("bi", new Bidirectional(Bidirectional.Mode.CONCAT, lstm(fused)), "in")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.MAX).build(), "bi")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(CLASSES)
                        .activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out").build();
        var net = new ComputationGraph(g);
        net.init();
        return net;
    }

    private static INDArray input(DataType dt) {
        Nd4j.getRandom().setSeed(11);
        return Nd4j.rand(dt, BATCH, IN, STEPS).subi(0.5).muli(4);
    }

    private static INDArray stepLabels(DataType dt) {
        INDArray y = Nd4j.zeros(dt, BATCH, CLASSES, STEPS);
        for (int b = 0; b < BATCH; b++) {
            for (int t = 0; t < STEPS; t++) {
                y.putScalar(b, (b + t) % CLASSES, t, 1);
            }
        }
        return y;
    }

    /** Sequences of 7, 5, 3 and 1 steps: padding at the end, as variable-length batches have it. */
    private static INDArray trailingMask() {
        INDArray m = Nd4j.zeros(DataType.DOUBLE, BATCH, STEPS);
        int[] lengths = {7, 5, 3, 1};
        for (int b = 0; b < BATCH; b++) {
            for (int t = 0; t < lengths[b]; t++) {
                m.putScalar(b, t, 1);
            }
        }
        return m;
    }

    /** The network's loss and flattened gradient on one batch, with the mask (if any) on input and labels. */
    private static INDArray[] gradient(ComputationGraph net, INDArray x, INDArray y, INDArray mask) {
        net.setInputs(x);
        net.setLabels(y);
        INDArray[] masks = mask == null ? null : new INDArray[] {mask};
        net.setLayerMaskArrays(masks, masks);
        net.computeGradientAndScore();
        return new INDArray[] {Nd4j.scalar(net.score()), net.gradient().gradient().dup()};
    }

    private static double maxDiff(INDArray a, INDArray b) {
        return a.castTo(DataType.DOUBLE).sub(b.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
    }

    @ParameterizedTest(name = "masked: {0}")
    @ValueSource(booleans = {false, true})
    void outputsAndGradientsEqualDl4jsLstmInDoublePrecision(boolean masked) {
        ComputationGraph dl4j = stacked(false, DataType.DOUBLE, 0), fused = stacked(true, DataType.DOUBLE, 0);
        fused.setParams(dl4j.params());
        assertInstanceOf(FusedLstm.Runtime.class, fused.getLayer("l1"));
        assertTrue(((FusedLstm.Runtime) fused.getLayer("l1")).fused());
        INDArray x = input(DataType.DOUBLE), y = stepLabels(DataType.DOUBLE), mask = masked ? trailingMask() : null;

        INDArray expected = dl4j.output(false, new INDArray[] {x}, mask == null ? null : new INDArray[] {mask})[0];
        INDArray actual = fused.output(false, new INDArray[] {x}, mask == null ? null : new INDArray[] {mask})[0];
        assertTrue(maxDiff(expected, actual) < 1e-12, "outputs differ by " + maxDiff(expected, actual));

        INDArray[] g1 = gradient(dl4j, x, y, mask), g2 = gradient(fused, x, y, mask);
        assertEquals(g1[0].getDouble(0), g2[0].getDouble(0), 1e-12);
        assertTrue(g1[1].amaxNumber().doubleValue() > 1e-3, "the gradient is not trivially zero");
        assertTrue(maxDiff(g1[1], g2[1]) < 1e-10, "gradients differ by " + maxDiff(g1[1], g2[1]));
    }

    /** 6 units go through the double pass; 32 fill whole float vectors (8 or 16 lanes), so the float pass. */
    @ParameterizedTest(name = "hidden {0}, masked: {1}")
    @CsvSource({"6, false", "32, false", "32, true"})
    void singlePrecisionAgreesToFloatRounding(int hidden, boolean masked) {
        ComputationGraph dl4j = stacked(false, DataType.FLOAT, 0, hidden);
        ComputationGraph fused = stacked(true, DataType.FLOAT, 0, hidden);
        fused.setParams(dl4j.params());
        INDArray x = input(DataType.FLOAT), y = stepLabels(DataType.FLOAT);
        INDArray mask = masked ? trailingMask().castTo(DataType.FLOAT) : null;
        INDArray[] masks = mask == null ? null : new INDArray[] {mask};
        assertTrue(maxDiff(dl4j.output(false, new INDArray[] {x}, masks)[0],
                fused.output(false, new INDArray[] {x}, masks)[0]) < 1e-5);
        INDArray[] g1 = gradient(dl4j, x, y, mask);
        INDArray[] g2 = net.dl4jnets.engine.KernelChecks.ran(FusedLstm.class, () -> gradient(fused, x, y, mask));
        assertTrue(g1[1].amaxNumber().doubleValue() > 1e-3, "the gradient is not trivially zero");
        assertTrue(maxDiff(g1[1], g2[1]) < 1e-5, "gradients differ by " + maxDiff(g1[1], g2[1]));
    }

    @Test
    void bidirectionalWrapperGivesDl4jsGradients() {
        ComputationGraph dl4j = bidirectional(false), fused = bidirectional(true);
        fused.setParams(dl4j.params());
        INDArray x = input(DataType.DOUBLE);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, BATCH, CLASSES);
        for (int b = 0; b < BATCH; b++) {
            y.putScalar(b, b % CLASSES, 1);
        }
        assertTrue(maxDiff(dl4j.outputSingle(x), fused.outputSingle(x)) < 1e-12);
        INDArray[] g1 = gradient(dl4j, x, y, null), g2 = gradient(fused, x, y, null);
        assertTrue(maxDiff(g1[1], g2[1]) < 1e-10, "gradients differ by " + maxDiff(g1[1], g2[1]));
    }

    @Test
    void oneSegmentOfTruncatedBackpropTrainsAsDl4jDoes() {
        ComputationGraph dl4j = stacked(false, DataType.DOUBLE, STEPS), fused = stacked(true, DataType.DOUBLE, STEPS);
        fused.setParams(dl4j.params());
        INDArray x = input(DataType.DOUBLE), y = stepLabels(DataType.DOUBLE);
        for (int i = 0; i < 3; i++) {
            dl4j.fit(new INDArray[] {x}, new INDArray[] {y});
            fused.fit(new INDArray[] {x}, new INDArray[] {y});
        }
        assertTrue(maxDiff(dl4j.params(), fused.params()) < 1e-10,
                "parameters after 3 steps differ by " + maxDiff(dl4j.params(), fused.params()));
    }

    /**
     * A later segment starts from the state the previous one ended in, and backpropagates from it over the last
     * {@code backwardLength} steps. Compared at the layer, because DL4J's ComputationGraph calls the LSTM's plain
     * {@code backpropGradient} in truncated BPTT, which recomputes the forward pass from a zero state (so DL4J's
     * own LSTM differentiates a forward pass other than the one that gave the loss); the fused layer
     * differentiates the pass it ran.
     */
    @ParameterizedTest(name = "backward over {0} steps")
    @ValueSource(ints = {STEPS, 4})
    void aSegmentFromAStoredStateGivesDl4jsGradients(int backwardLength) {
        ComputationGraph dl4j = stacked(false, DataType.DOUBLE, 0), fused = stacked(true, DataType.DOUBLE, 0);
        fused.setParams(dl4j.params());
        INDArray x = input(DataType.DOUBLE), y = stepLabels(DataType.DOUBLE);
        gradient(dl4j, x, y, null); // sets up the gradient views
        gradient(fused, x, y, null);
        Map<String, INDArray> state = storedState(DataType.DOUBLE, HIDDEN);
        INDArray epsilon = Nd4j.rand(DataType.DOUBLE, BATCH, HIDDEN, STEPS).subi(0.5);
        List<INDArray> a = segmentFromState(dl4j, state, x, epsilon, backwardLength);
        List<INDArray> b = segmentFromState(fused, state, x, epsilon, backwardLength);
        for (int i = 0; i < SEGMENT.length; i++) {
            double d = maxDiff(a.get(i), b.get(i));
            assertTrue(d < 1e-10, SEGMENT[i] + " differs by " + d);
        }
        assertTrue(a.get(2).amaxNumber().doubleValue() > 1e-3, "the recurrent gradient is not trivially zero");
    }

    @Test
    void backpropagationMatchesFiniteDifferencesWithAndWithoutMasks() {
        DataType before = Nd4j.dataType();
        DataTypeUtil.setDTypeForContext(DataType.DOUBLE);
        try {
            checkGradients();
        } finally {
            DataTypeUtil.setDTypeForContext(before);
        }
    }

    private void checkGradients() {
        var conf = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.DOUBLE).updater(new NoOp())
                .weightInit(WeightInit.XAVIER).graphBuilder()
                .addInputs("in").setInputTypes(InputType.recurrent(IN))
                .addLayer("l1", lstm(true), "in")
                .addLayer("out", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(CLASSES)
                        .activation(Activation.SOFTMAX).build(), "l1")
                .setOutputs("out").build();
        for (INDArray mask : new INDArray[] {null, trailingMask()}) {
            var net = new ComputationGraph(conf);
            net.init();
            var check = new GradientCheckUtil.GraphConfig().net(net)
                    .inputs(new INDArray[] {input(DataType.DOUBLE)})
                    .labels(new INDArray[] {stepLabels(DataType.DOUBLE)})
                    .epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8);
            if (mask != null) {
                check.inputMask(new INDArray[] {mask}).labelMask(new INDArray[] {mask});
            }
            assertTrue(GradientCheckUtil.checkGradients(check), "gradient check, mask " + (mask != null));
        }
    }

    @Test
    void steppingOneCharacterAtATimeGivesTheFullSequenceOutput() {
        ComputationGraph net = stacked(true, DataType.DOUBLE, 0);
        INDArray x = input(DataType.DOUBLE);
        INDArray whole = net.outputSingle(x);
        net.rnnClearPreviousState();
        for (int t = 0; t < STEPS; t++) {
            INDArray step = net.rnnTimeStep(x.get(NDArrayIndex.all(),
                    NDArrayIndex.all(),
                    NDArrayIndex.interval(t, t + 1)))[0];
            INDArray expected = whole.get(NDArrayIndex.all(),
                    NDArrayIndex.all(), NDArrayIndex.point(t));
            assertTrue(maxDiff(expected, step.reshape(expected.shape())) < 1e-12, "step " + t);
        }
    }

    @Test
    void savedAndReloadedItIsStillTheFusedLayer(@TempDir Path dir) throws Exception {
        ComputationGraph net = stacked(true, DataType.FLOAT, 0);
        var file = dir.resolve("model.zip").toFile();
        ModelSerializer.writeModel(net, file, true);
        ComputationGraph back = ModelSerializer.restoreComputationGraph(file, true);
        assertInstanceOf(FusedLstm.Runtime.class, back.getLayer("l2"));
        INDArray x = input(DataType.FLOAT);
        assertEquals(net.outputSingle(x), back.outputSingle(x));
    }

    /** A random stored state (activation and cell) of an LSTM layer of {@code hidden} units, from a fixed seed. */
    private static Map<String, INDArray> storedState(DataType dt, int hidden) {
        Nd4j.getRandom().setSeed(5);
        return Map.of(
                org.deeplearning4j.nn.layers.recurrent.LSTM.STATE_KEY_PREV_ACTIVATION,
                Nd4j.rand(dt, BATCH, hidden).subi(0.5),
                org.deeplearning4j.nn.layers.recurrent.LSTM.STATE_KEY_PREV_MEMCELL,
                Nd4j.rand(dt, BATCH, hidden).subi(0.5).muli(3));
    }

    private static final String[] SEGMENT = {"output", "dW", "dRW", "db", "dx", "final cell"};

    /**
     * Layer l1 of {@code net} run from {@code state} in training mode (dropout masks drawn after seed 21), then
     * truncated backprop of {@code epsilon} over {@code backward} steps: {@link #SEGMENT}'s arrays.
     */
    private static List<INDArray> segmentFromState(ComputationGraph net, Map<String, INDArray> state, INDArray x,
                                                   INDArray epsilon, int backward) {
        var ws = LayerWorkspaceMgr.noWorkspaces();
        var layer = (org.deeplearning4j.nn.layers.recurrent.LSTM) net.getLayer("l1");
        layer.rnnSetPreviousState(state);
        layer.rnnSetTBPTTState(state);
        Nd4j.getRandom().setSeed(21);
        INDArray out = layer.rnnActivateUsingStoredState(x, true, true, ws).dup();
        var p = layer.tbpttBackpropGradient(epsilon.dup(), backward, ws);
        return List.of(out, p.getFirst().gradientForVariable().get("W").dup(),
                p.getFirst().gradientForVariable().get("RW").dup(), p.getFirst().gradientForVariable().get("b").dup(),
                p.getSecond().dup(),
                layer.rnnGetTBPTTState().get(org.deeplearning4j.nn.layers.recurrent.LSTM.STATE_KEY_PREV_MEMCELL).dup());
    }

    /**
     * The float pass (32 units fill whole vectors) from a stored state, as the char-LSTM's segments and generation
     * run it, with dropout on the layer's input: the same masks (one random seed), the same outputs, gradients and
     * final state as DL4J's LSTM, to float rounding; and the fused pass did run.
     */
    @Test
    void aFloatSegmentFromAStoredStateWithDropoutGivesDl4jsGradients() {
        int hidden = 32;
        ComputationGraph[] nets = plainAndFused(new LSTM.Builder().nOut(hidden).activation(Activation.TANH)
                .dropOut(0.7).build());
        INDArray x = input(DataType.FLOAT), y = stepLabels(DataType.FLOAT);
        gradient(nets[0], x, y, null); // sets up the gradient views
        gradient(nets[1], x, y, null);
        Map<String, INDArray> state = storedState(DataType.FLOAT, hidden);
        INDArray epsilon = Nd4j.rand(DataType.FLOAT, BATCH, hidden, STEPS).subi(0.5);
        List<List<INDArray>> results = List.of(segmentFromState(nets[0], state, x, epsilon, STEPS),
                net.dl4jnets.engine.KernelChecks.ran(FusedLstm.class,
                        () -> segmentFromState(nets[1], state, x, epsilon, STEPS)));
        for (int i = 0; i < SEGMENT.length; i++) {
            INDArray a = results.get(0).get(i), b = results.get(1).get(i);
            double scale = Math.max(1e-3, a.amaxNumber().doubleValue());
            assertTrue(maxDiff(a, b) < 1e-4 * scale, SEGMENT[i] + " differs by " + maxDiff(a, b) + " at scale " + scale);
        }
        var layer = (org.deeplearning4j.nn.layers.recurrent.LSTM) nets[0].getLayer("l1");
        layer.rnnSetPreviousState(state);
        INDArray noDropout = layer.rnnActivateUsingStoredState(x, false, false, LayerWorkspaceMgr.noWorkspaces());
        assertTrue(maxDiff(noDropout, results.get(0).get(0)) > 1e-3, "dropout was applied in training");
    }

    @Test
    void floatAndDoublePassesAgree() {
        int hidden = 32;
        assertTrue(GatePass.VECTOR_API && FloatGatePass.usable(hidden),
                "the tests run with the Vector API, as ./nets does");
        GatePass<float[]> single = new FloatGatePass();
        GatePass<double[]> exact = new DoubleGatePass();
        var random = new java.util.Random(1);
        double[][] d = new double[9][];
        float[][] f = new float[9][];
        for (int k = 0; k < d.length; k++) {
            d[k] = random.doubles(8 * hidden, -3, 3).toArray();
            f[k] = new float[d[k].length];
            for (int i = 0; i < d[k].length; i++) {
                f[k][i] = (float) d[k][i];
                d[k][i] = f[k][i];
            }
        }
        // gates, cells, tanhCells, outputs, epsilons, recurrent, cellGrad, gateGrads, bias (then its gradient)
        exact.forward(d[0], 0, d[8], d[1], d[2], d[3], 0, hidden, 0.7, hidden);
        exact.backward(d[0], 0, d[1], d[2], d[4], 0, d[5], d[6], 0, d[7], 0, d[8], false, 0.7, hidden);
        single.forward(f[0], 0, f[8], f[1], f[2], f[3], 0, hidden, 0.7, hidden);
        single.backward(f[0], 0, f[1], f[2], f[4], 0, f[5], f[6], 0, f[7], 0, f[8], false, 0.7, hidden);
        for (int k = 0; k < d.length; k++) {
            for (int i = 0; i < d[k].length; i++) {
                assertEquals(d[k][i], f[k][i], 2e-5 * Math.max(1, Math.abs(d[k][i])), "array " + k + ", element " + i);
            }
        }
    }

    @Test
    void aLayerReadingDataSkipsOnlyItsInputGradient() throws Exception {
        ComputationGraph full = stacked(true, DataType.DOUBLE, 0);
        var conf = full.getConfiguration().clone();
        FusedLstm first = (FusedLstm) ((org.deeplearning4j.nn.conf.graph.LayerVertex) conf.getVertices().get("l1"))
                .getLayerConf().getLayer();
        first.readingData();
        ComputationGraph skipping = new ComputationGraph(
                org.deeplearning4j.nn.conf.ComputationGraphConfiguration.fromJson(conf.toJson()));
        skipping.init(full.params().dup(), false);
        assertFalse(((FusedLstm) skipping.getLayer("l1").conf().getLayer()).isInputGradient(), "kept in JSON");
        INDArray x = input(DataType.DOUBLE), y = stepLabels(DataType.DOUBLE);
        INDArray[] g1 = gradient(full, x, y, null), g2 = gradient(skipping, x, y, null);
        assertTrue(maxDiff(g1[1], g2[1]) < 1e-12, "parameter gradients differ by " + maxDiff(g1[1], g2[1]));
        var ws = org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces();
        org.deeplearning4j.nn.api.Layer l1 = skipping.getLayer("l1");
        l1.activate(x, true, ws);
        assertNull(l1.backpropGradient(Nd4j.ones(DataType.DOUBLE, BATCH, HIDDEN, STEPS), ws).getSecond());
    }

    @Test
    void everySettingOfTheLstmIsKept() {
        LSTM plain = new LSTM.Builder().nIn(3).nOut(4).activation(Activation.TANH).dropOut(0.7)
                .forgetGateBiasInit(2.5).l2(1e-3).build();
        FusedLstm fused = FusedLstm.of(plain);
        assertEquals(plain.toString().replace("FusedLstm", "LSTM"), fused.toString().replace("FusedLstm", "LSTM"));
        assertEquals(2.5, fused.getForgetGateBiasInit());
    }

    /**
     * A few rows over enough steps take Java's recurrent products (one image, 20 steps: the float pass for 32 units,
     * the double one for 6), a batch of 130 or a few steps ND4J's: each gives DL4J's LSTM's outputs, and then a step
     * from the stored state, as text generation runs.
     */
    @ParameterizedTest(name = "batch {0}, {1} steps, {2} units")
    @CsvSource({"1, 20, 32, true", "1, 20, 6, true", "130, 20, 32, false", "1, 7, 32, false"})
    void aFewRowsAndABatchGiveDl4jsOutputs(int batch, int steps, int hidden, boolean inJava) {
        assertEquals(inJava, LstmSequence.fewRows(batch, steps, hidden));
        ComputationGraph[] nets = plainAndFused(new LSTM.Builder().nOut(hidden).activation(Activation.TANH).build());
        Nd4j.getRandom().setSeed(12);
        INDArray x = Nd4j.rand(DataType.FLOAT, batch, IN, steps).subi(0.5).muli(4);
        INDArray expected = nets[0].outputSingle(x);
        INDArray actual = net.dl4jnets.engine.KernelChecks.ran(FusedLstm.class, () -> nets[1].outputSingle(x));
        assertTrue(maxDiff(expected, actual) < 1e-5, "differs by " + maxDiff(expected, actual));
        // one step at a time from the state the last call left, as text generation runs
        for (ComputationGraph net : nets) {
            net.rnnClearPreviousState();
            net.rnnTimeStep(x);
        }
        INDArray next = x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, 1));
        INDArray a = nets[0].rnnTimeStep(next)[0], b = nets[1].rnnTimeStep(next)[0];
        assertTrue(maxDiff(a, b) < 1e-5, "a step from a stored state differs by " + maxDiff(a, b));
    }

    /** DL4J's LSTM {@code plain} as layer l1 of a float network, and the same with it fused, sharing parameters. */
    private static ComputationGraph[] plainAndFused(LSTM plain) {
        ComputationGraph[] nets = new ComputationGraph[2];
        for (int n = 0; n < 2; n++) {
            nets[n] = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.FLOAT)
                    .updater(new Sgd(0.1)).weightInit(WeightInit.XAVIER).graphBuilder()
                    .addInputs("in").setInputTypes(InputType.recurrent(IN))
                    .addLayer("l1", n == 0 ? plain : FusedLstm.of(plain), "in")
                    .addLayer("out", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(CLASSES)
                            .activation(Activation.SOFTMAX).build(), "l1")
                    .setOutputs("out").build());
            nets[n].init();
        }
        nets[1].setParams(nets[0].params());
        return nets;
    }
}
