package net.dl4jnets.engine;

import java.util.Arrays;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;


/**
 * {@link GatePass} in {@code float[]} with the JDK's Vector API: 16 units at a time with AVX-512, 8 with AVX2, exp
 * from a polynomial ({@link FloatMath#exp}). Float networks keep their values as floats, so nothing is converted
 * between ND4J's buffers and the pass, and a vector holds twice as many units as in double. Only for hidden sizes that
 * are a multiple of the vector length (the suite's 128 and 256 are), so there is no remainder loop. Loaded only when
 * the JVM has the module, so nothing else in the suite depends on it.
 */
final class FloatGatePass implements GatePass<float[]> {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final FloatVector ONE = FloatVector.broadcast(S, 1), TWO = FloatVector.broadcast(S, 2);

    /** Whether {@code hidden} units fill whole vectors; ask only when {@link GatePass#VECTOR_API} holds. */
    static boolean usable(int hidden) {
        return hidden % S.length() == 0;
    }

    @Override
    public float[] allocate(int length) {
        return new float[length];
    }

    @Override
    public int length(float[] a) {
        return a.length;
    }

    @Override
    public void zero(float[] a, int from, int to) {
        Arrays.fill(a, from, to, 0);
    }

    @Override
    public void read(INDArray a, int at, float[] into, int offset, int length) {
        GatePass.checkDense(a);
        a.data().asNioFloat().get(at, into, offset, length);
    }

    @Override
    public void write(INDArray a, int at, float[] from, int offset, int length) {
        GatePass.checkDense(a);
        a.data().asNioFloat().put(at, from, offset, length);
    }

    @Override
    public void recurrent(float[] outputs, int o, float[] rw, float[] gates, int g, int rows, int hidden) {
        int wide = 4 * hidden, lanes = S.length();
        for (int r = 0; r < rows; r++) {
            int gr = g + r * wide, hr = o + r * hidden;
            // four vectors of the row's gates in registers across all of h, reading rw's rows in order
            for (int j = 0; j < wide; j += 4 * lanes) {
                FloatVector a0 = FloatVector.fromArray(S, gates, gr + j);
                FloatVector a1 = FloatVector.fromArray(S, gates, gr + j + lanes);
                FloatVector a2 = FloatVector.fromArray(S, gates, gr + j + 2 * lanes);
                FloatVector a3 = FloatVector.fromArray(S, gates, gr + j + 3 * lanes);
                for (int k = 0; k < hidden; k++) {
                    FloatVector hk = FloatVector.broadcast(S, outputs[hr + k]);
                    int w = k * wide + j;
                    a0 = FloatVector.fromArray(S, rw, w).fma(hk, a0);
                    a1 = FloatVector.fromArray(S, rw, w + lanes).fma(hk, a1);
                    a2 = FloatVector.fromArray(S, rw, w + 2 * lanes).fma(hk, a2);
                    a3 = FloatVector.fromArray(S, rw, w + 3 * lanes).fma(hk, a3);
                }
                a0.intoArray(gates, gr + j);
                a1.intoArray(gates, gr + j + lanes);
                a2.intoArray(gates, gr + j + 2 * lanes);
                a3.intoArray(gates, gr + j + 3 * lanes);
            }
        }
    }

    @Override
    public void forward(float[] gates, int g, float[] bias, float[] cells, float[] tanhCells, float[] outputs,
                        int previous, int next, double mask, int hidden) {
        float m = (float) mask;
        for (int j = 0; j < hidden; j += S.length()) {
            FloatVector a = tanh(gate(gates, g, bias, 0, j));
            FloatVector f = sigmoid(gate(gates, g, bias, hidden, j));
            FloatVector o = sigmoid(gate(gates, g, bias, 2 * hidden, j));
            FloatVector i = sigmoid(gate(gates, g, bias, 3 * hidden, j));
            a.intoArray(gates, g + j);
            f.intoArray(gates, g + hidden + j);
            o.intoArray(gates, g + 2 * hidden + j);
            i.intoArray(gates, g + 3 * hidden + j);
            FloatVector c = f.mul(FloatVector.fromArray(S, cells, previous + j)).add(i.mul(a));
            FloatVector tc = tanh(c);
            tc.intoArray(tanhCells, previous + j);
            c.mul(m).intoArray(cells, next + j);
            o.mul(tc).mul(m).intoArray(outputs, next + j);
        }
    }

    private static FloatVector gate(float[] gates, int g, float[] bias, int block, int j) {
        return FloatVector.fromArray(S, gates, g + block + j).add(FloatVector.fromArray(S, bias, block + j));
    }

    @Override
    public void backward(float[] gates, int g, float[] cells, float[] tanhCells, float[] epsilons, int k,
                         float[] recurrent, float[] cellGrad, int s, float[] gateGrads, int gr, float[] biasGrad,
                         boolean last, double mask, int hidden) {
        float m = (float) mask;
        for (int j = 0; j < hidden; j += S.length()) {
            FloatVector a = FloatVector.fromArray(S, gates, g + j);
            FloatVector f = FloatVector.fromArray(S, gates, g + hidden + j);
            FloatVector o = FloatVector.fromArray(S, gates, g + 2 * hidden + j);
            FloatVector i = FloatVector.fromArray(S, gates, g + 3 * hidden + j);
            FloatVector tc = FloatVector.fromArray(S, tanhCells, k + j);
            FloatVector dh = FloatVector.fromArray(S, epsilons, k + j);
            if (!last) {
                dh = dh.add(FloatVector.fromArray(S, recurrent, s + j));
            }
            if (m != 1) {
                dh = dh.mul(m);
            }
            FloatVector dcNext = FloatVector.fromArray(S, cellGrad, s + j);
            FloatVector dc = (m != 1 ? dcNext.mul(m) : dcNext).add(dh.mul(o).mul(ONE.sub(tc.mul(tc))));
            dc.mul(f).intoArray(cellGrad, s + j);
            store(dc.mul(i).mul(ONE.sub(a.mul(a))), gateGrads, gr, biasGrad, 0, j);
            store(dc.mul(FloatVector.fromArray(S, cells, k + j)).mul(f).mul(ONE.sub(f)), gateGrads, gr, biasGrad,
                    hidden, j);
            store(dh.mul(tc).mul(o).mul(ONE.sub(o)), gateGrads, gr, biasGrad, 2 * hidden, j);
            store(dc.mul(a).mul(i).mul(ONE.sub(i)), gateGrads, gr, biasGrad, 3 * hidden, j);
        }
    }

    private static void store(FloatVector grad, float[] gateGrads, int gr, float[] biasGrad, int block, int j) {
        grad.intoArray(gateGrads, gr + block + j);
        grad.add(FloatVector.fromArray(S, biasGrad, block + j)).intoArray(biasGrad, block + j);
    }

    private static FloatVector sigmoid(FloatVector x) {
        return FloatMath.sigmoid(x);
    }

    /** As {@link DoubleGatePass#tanh}: 1 - 2 / (exp(2x) + 1). */
    private static FloatVector tanh(FloatVector x) {
        return ONE.sub(TWO.div(FloatMath.exp(x.mul(2)).add(1)));
    }
}
