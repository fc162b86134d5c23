package net.dl4jnets.rnn;

import java.util.Arrays;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link GatePass} in {@code float[]} with the JDK's Vector API: 16 units at a time with AVX-512, 8 with AVX2, exp
 * from a polynomial ({@link #exp}). Float networks keep their values as floats, so nothing is converted between
 * ND4J's buffers and the pass, and a vector holds twice as many units as in double. Only for hidden sizes that are a
 * multiple of the vector length (the suite's 128 and 256 are), so there is no remainder loop. Loaded only when the
 * JVM has the module, so nothing else in the suite depends on it.
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
        return ONE.div(exp(x.neg()).add(1));
    }

    /** As {@link DoubleGatePass#tanh}: 1 - 2 / (exp(2x) + 1). */
    private static FloatVector tanh(FloatVector x) {
        return ONE.sub(TWO.div(exp(x.mul(2)).add(1)));
    }

    private static final FloatVector LOW = FloatVector.broadcast(S, -87f), HIGH = FloatVector.broadcast(S, 88f),
            LOG2E = FloatVector.broadcast(S, 1.44269504088896341f), ROUND = FloatVector.broadcast(S, 12582912f),
            MINUS_LN2_HI = FloatVector.broadcast(S, -0.693359375f),
            MINUS_LN2_LO = FloatVector.broadcast(S, 2.12194440e-4f),
            P0 = FloatVector.broadcast(S, 1.9875691500e-4f), P1 = FloatVector.broadcast(S, 1.3981999507e-3f),
            P2 = FloatVector.broadcast(S, 8.3334519073e-3f), P3 = FloatVector.broadcast(S, 4.1665795894e-2f),
            P4 = FloatVector.broadcast(S, 1.6666665459e-1f), P5 = FloatVector.broadcast(S, 5.0000001201e-1f);

    /**
     * e^x in float to about 2 ulp, from additions and multiplications only (Cephes' expf: x = k·ln 2 + r, e^r by a
     * polynomial, 2^k written into the exponent bits). Not the Vector API's {@code lanewise(EXP)}: that is computed
     * one way before the JIT compiles this class and another after, with different last bits, so runs with one seed
     * did not repeat themselves.
     */
    static FloatVector exp(FloatVector x) {
        x = x.max(LOW).min(HIGH);
        // Adding 1.5·2^23 rounds x·log2(e) to the nearest integer k and leaves k in the low bits of t.
        FloatVector t = x.fma(LOG2E, ROUND);
        FloatVector k = t.sub(ROUND);
        FloatVector r = k.fma(MINUS_LN2_LO, k.fma(MINUS_LN2_HI, x)); // x - k·ln 2 in two parts
        FloatVector p = P0.fma(r, P1).fma(r, P2).fma(r, P3).fma(r, P4).fma(r, P5);
        FloatVector er = p.fma(r.mul(r), r).add(ONE);
        FloatVector twoK = ((IntVector) t.reinterpretAsInts()).sub(0x4B400000 - 127).lanewise(VectorOperators.LSHL, 23)
                .reinterpretAsFloats();
        return er.mul(twoK);
    }
}
