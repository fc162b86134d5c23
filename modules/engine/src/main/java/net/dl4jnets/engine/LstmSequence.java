package net.dl4jnets.engine;

import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.LSTMParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * One LSTM layer over a whole sequence, forward and backward, with DL4J's gate order (block input a, forget f,
 * output o, input gate i): c = f·c' + i·a, h = o·tanh(c), h and c zeroed at masked steps.
 *
 * <p>Where the time goes: the matrix products are ND4J's (one for the input projection of every step, one recurrent
 * product per step, and the weight gradients as two products over all steps at the end), but for a few rows
 * ({@link #fewRows}) the recurrent ones are Java's; everything element-wise of a step is one loop in Java over
 * contiguous memory, read from and written to ND4J's buffers in bulk. ND4J would spend a fixed ~15 µs on each of the
 * ~40 small operations a step needs, more than their arithmetic. The loop and the arrays' element type ({@code A}:
 * {@code float[]} or {@code double[]}) are the {@link GatePass}'s.
 *
 * <p>The activations of the last forward pass are kept (in Java arrays, outside ND4J's workspaces, reused from one
 * batch to the next) for the backward pass. CPU only: on other backends the layer uses DL4J's own implementation.
 */
final class LstmSequence<A> {
    private final GatePass<A> pass;
    private int steps, batch, hidden;
    private boolean masked;
    private double[] mask = new double[0];   // [batch][steps]
    private A gates;                          // [steps][batch][4 hidden], after their activations
    private A cells;                          // [steps + 1][batch][hidden]: the initial state, then each step's
    private A tanhCells;                      // [steps][batch][hidden], before the mask
    private A outputs;                        // [steps + 1][batch][hidden]: like cells
    private A bias, epsilons, gateGrads, cellGrad, recurrentGrad, biasGrad;
    private A recurrentWeights;               // [hidden][4 hidden], for a few rows' recurrent products

    LstmSequence(GatePass<A> pass) {
        this.pass = pass;
        gates = cells = tanhCells = outputs = bias = epsilons = gateGrads = cellGrad = recurrentGrad = biasGrad
                = recurrentWeights = pass.allocate(0);
    }

    /** The sequence for a layer of {@code hidden} units computing in {@code type}. */
    static LstmSequence<?> of(DataType type, int hidden) {
        return new LstmSequence<>(GatePass.of(type, hidden));
    }

    /**
     * Runs the layer over {@code x} ({@code [batch, nIn, steps]}) from the given state (null: zeros) and returns
     * {@code [batch, hidden, steps]} in the activations workspace.
     */
    INDArray forward(INDArray x, INDArray w, INDArray rw, INDArray b, INDArray h0, INDArray c0, INDArray maskArray,
                     LayerWorkspaceMgr ws) {
        DataType dt = w.dataType();
        steps = (int) x.size(2);
        batch = (int) x.size(0);
        hidden = (int) rw.size(0);
        int gatesWide = 4 * hidden, n = batch * hidden, nIn = (int) x.size(1);
        gates = fit(gates, steps * batch * gatesWide);
        cells = fit(cells, (steps + 1) * n);
        outputs = fit(outputs, (steps + 1) * n);
        tanhCells = fit(tanhCells, steps * n);
        readMask(maskArray);
        initialState(h0, outputs, dt);
        initialState(c0, cells, dt);

        INDArray xs = ws.create(ArrayType.FF_WORKING_MEM, dt, new long[] {steps, batch, nIn}, 'c');
        xs.assign(x.permute(2, 0, 1));
        INDArray z = ws.create(ArrayType.FF_WORKING_MEM, dt, new long[] {(long) steps * batch, gatesWide}, 'c');
        Nd4j.gemm(xs.reshape('c', (long) steps * batch, nIn), w, z, false, false, 1.0, 0.0);
        bias = fit(bias, gatesWide);
        pass.read(GatePass.dense(b, dt), 0, bias, 0, gatesWide); // added in the gate pass: cheaper than an op
        INDArray hs = ws.create(ArrayType.ACTIVATIONS, dt, new long[] {steps + 1, batch, hidden}, 'c');
        boolean fromZero = h0 == null;
        if (fewRows(batch, steps, hidden)) {
            // one image or one character at a time: the recurrent products in Java, no ND4J call per step
            recurrentWeights = fit(recurrentWeights, hidden * gatesWide);
            pass.read(GatePass.dense(rw, dt), 0, recurrentWeights, 0, hidden * gatesWide);
            pass.read(z, 0, gates, 0, steps * batch * gatesWide);
            for (int t = 0; t < steps; t++) {
                if (t > 0 || !fromZero) {
                    pass.recurrent(outputs, t * n, recurrentWeights, gates, t * batch * gatesWide, batch, hidden);
                }
                step(t);
            }
            pass.write(hs, 0, outputs, 0, (steps + 1) * n);
        } else {
            pass.write(hs, 0, outputs, 0, n);
            for (int t = 0; t < steps; t++) {
                if (t > 0 || !fromZero) {
                    Nd4j.gemm(hs.get(NDArrayIndex.point(t), NDArrayIndex.all(), NDArrayIndex.all()), rw,
                            rows(z, t), false, false, 1.0, 1.0);
                }
                pass.read(z, t * batch * gatesWide, gates, t * batch * gatesWide, batch * gatesWide);
                step(t);
                pass.write(hs, (t + 1) * n, outputs, (t + 1) * n, n);
            }
        }
        return hs.get(NDArrayIndex.interval(1, steps + 1), NDArrayIndex.all(), NDArrayIndex.all()).permute(1, 2, 0);
    }

    /**
     * Whether a sequence's recurrent products are computed in Java rather than by ND4J, one call per step: a few rows
     * (up to 2¹⁹ multiply-adds a step), weights that stay in the core's cache (at most 128 units: 256 KB) and enough
     * steps to pay for reading them into Java once. The row LSTM at batch 1 (28 steps of 128 units) took 2.9 ms with
     * ND4J's products and 1.0 with these; 128 units over 8 steps drew level (0.84 against 0.92 ms); one step at a
     * time, as text is generated, was slower in Java (128 units 0.81 against 1.27 ms, 256 units 0.86 against 2.91),
     * and 256 units slower at every length (2026-12-07).
     */
    static boolean fewRows(int batch, int steps, int hidden) {
        return (long) batch * hidden * 4 * hidden <= SmallProjection.MAX_MULTIPLY_ADDS && hidden <= 128 && steps >= 16;
    }

    private void step(int t) {
        int n = batch * hidden;
        for (int r = 0; r < batch; r++) {
            int previous = t * n + r * hidden;
            pass.forward(gates, (t * batch + r) * 4 * hidden, bias, cells, tanhCells, outputs, previous, previous + n,
                    masked ? mask[r * steps + t] : 1, hidden);
        }
    }

    /**
     * Gradients of the last forward pass for {@code epsilon} ({@code [batch, hidden, steps]}), back to step
     * {@code from} (truncated BPTT; 0 for all), into the layer's gradient views; returns them and dL/dx (null unless
     * {@code inputGradient}).
     */
    Pair<Gradient, INDArray> backward(INDArray epsilon, INDArray x, INDArray w, INDArray rw, INDArray wGrad,
                                      INDArray rwGrad, INDArray bGrad, int from, boolean inputGradient,
                                      LayerWorkspaceMgr ws) {
        DataType dt = w.dataType();
        int gatesWide = 4 * hidden, n = batch * hidden, nIn = (int) x.size(1);
        epsilons = fit(epsilons, steps * n);
        gateGrads = fit(gateGrads, batch * gatesWide);
        cellGrad = fit(cellGrad, n);
        recurrentGrad = fit(recurrentGrad, n);
        biasGrad = fit(biasGrad, gatesWide);
        pass.zero(cellGrad, 0, n);
        pass.zero(recurrentGrad, 0, n);
        pass.zero(biasGrad, 0, gatesWide);

        INDArray es = ws.create(ArrayType.BP_WORKING_MEM, dt, new long[] {steps, batch, hidden}, 'c');
        es.assign(epsilon.permute(2, 0, 1));
        pass.read(es, 0, epsilons, 0, steps * n);
        INDArray dz = ws.create(ArrayType.BP_WORKING_MEM, dt, new long[] {(long) steps * batch, gatesWide}, 'c');
        INDArray dh = ws.create(ArrayType.BP_WORKING_MEM, dt, new long[] {batch, hidden}, 'c');
        for (int t = steps - 1; t >= from; t--) {
            if (t < steps - 1) {
                Nd4j.gemm(rows(dz, t + 1), rw, dh, false, true, 1.0, 0.0);
                pass.read(dh, 0, recurrentGrad, 0, n);
            }
            stepBack(t);
            pass.write(dz, t * batch * gatesWide, gateGrads, 0, batch * gatesWide);
        }

        INDArray xs = ws.create(ArrayType.BP_WORKING_MEM, dt, new long[] {steps, batch, nIn}, 'c');
        xs.assign(x.permute(2, 0, 1));
        INDArray previous = ws.create(ArrayType.BP_WORKING_MEM, dt, new long[] {(long) steps * batch, hidden}, 'c');
        pass.write(previous, 0, outputs, 0, steps * n);
        // Truncated BPTT uses the steps from `from` on; views only then (a product over a view may copy it first).
        var used = NDArrayIndex.interval((long) from * batch, (long) steps * batch);
        INDArray dzUsed = from == 0 ? dz : dz.get(used, NDArrayIndex.all());
        INDArray xsUsed = xs.reshape('c', (long) steps * batch, nIn);
        INDArray previousUsed = previous;
        if (from > 0) {
            xsUsed = xsUsed.get(used, NDArrayIndex.all());
            previousUsed = previous.get(used, NDArrayIndex.all());
        }
        // Into 'c' arrays, then copied to DL4J's 'f' gradient views: ND4J's product into an 'f' target took 4.5 ms
        // where into a 'c' one it took 2.0 (the row LSTM's recurrent weights, here).
        INDArray dw = ws.create(ArrayType.BP_WORKING_MEM, dt, wGrad.shape(), 'c');
        INDArray drw = ws.create(ArrayType.BP_WORKING_MEM, dt, rwGrad.shape(), 'c');
        Nd4j.gemm(xsUsed, dzUsed, dw, true, false, 1.0, 0.0);
        Nd4j.gemm(previousUsed, dzUsed, drw, true, false, 1.0, 0.0);
        wGrad.assign(dw);
        rwGrad.assign(drw);
        INDArray db = ws.create(ArrayType.BP_WORKING_MEM, dt, new long[] {1, gatesWide}, 'c');
        pass.write(db, 0, biasGrad, 0, gatesWide);
        bGrad.assign(db.reshape(bGrad.shape()));
        Gradient g = new DefaultGradient();
        g.gradientForVariable().put(LSTMParamInitializer.INPUT_WEIGHT_KEY, wGrad);
        g.gradientForVariable().put(LSTMParamInitializer.RECURRENT_WEIGHT_KEY, rwGrad);
        g.gradientForVariable().put(LSTMParamInitializer.BIAS_KEY, bGrad);
        if (!inputGradient) {
            return new Pair<>(g, null);
        }
        INDArray dx = ws.create(ArrayType.ACTIVATION_GRAD, dt, new long[] {steps, batch, nIn}, 'c');
        Nd4j.gemm(dz, w, dx.reshape('c', (long) steps * batch, nIn), false, true, 1.0, 0.0);
        return new Pair<>(g, dx.permute(1, 2, 0));
    }

    private void stepBack(int t) {
        int gatesWide = 4 * hidden, n = batch * hidden;
        for (int r = 0; r < batch; r++) {
            pass.backward(gates, (t * batch + r) * gatesWide, cells, tanhCells, epsilons, t * n + r * hidden,
                    recurrentGrad, cellGrad, r * hidden, gateGrads, r * gatesWide, biasGrad, t == steps - 1,
                    masked ? mask[r * steps + t] : 1, hidden);
        }
    }

    /** The state after the last step: {hidden, cell}, each {@code [batch, hidden]}, outside any workspace. */
    INDArray[] lastState(DataType dt) {
        int n = batch * hidden;
        try (var scope = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            INDArray h = Nd4j.create(dt, batch, hidden);
            INDArray c = Nd4j.create(dt, batch, hidden);
            pass.write(h, 0, outputs, steps * n, n);
            pass.write(c, 0, cells, steps * n, n);
            return new INDArray[] {h, c};
        }
    }

    private void readMask(INDArray maskArray) {
        masked = maskArray != null;
        if (masked) {
            INDArray m = maskArray.castTo(DataType.DOUBLE).reshape(batch, steps).dup('c');
            mask = m.data().asDouble();
        }
    }

    private void initialState(INDArray state, A into, DataType dt) {
        int n = batch * hidden;
        if (state == null) {
            pass.zero(into, 0, n);
        } else {
            pass.read(GatePass.dense(state, dt), 0, into, 0, n);
        }
    }

    /** The {@code [batch, *]} rows of step {@code t} in a {@code [steps * batch, *]} array: a contiguous view. */
    private INDArray rows(INDArray m, int t) {
        return m.get(NDArrayIndex.interval((long) t * batch, (long) (t + 1) * batch), NDArrayIndex.all());
    }

    private A fit(A a, int length) {
        return pass.length(a) >= length ? a : pass.allocate(length);
    }
}
