package net.dl4jnets.engine;

import static net.dl4jnets.engine.FloatMath.S;
import static net.dl4jnets.engine.FloatMath.contiguous;

import jdk.incubator.vector.FloatVector;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;


/**
 * The core of multi-head attention, between the projections: for every example and head, weights = softmax(q·kᵀ/√d)
 * (causal if asked) and output = weights·v, and the backward pass of both, in float with the Vector API. The queries,
 * keys and values stay in the projections' layout {@code [batch·tokens, channels]} (a head's channels side by side in
 * each row), so no copy splits them into heads and merges them back. ND4J runs each product as one small GEMM per
 * example and head: for the vision transformer 512 products of 16×16 by 16×16 per call, where the fixed cost of a
 * call is most of the time; here each output row is a few vector multiply-adds.
 *
 * <p>Only for float networks, when the JVM has the Vector API, and when the tokens and the head size are multiples of
 * the vector length ({@link #usable}); otherwise {@link FusedAttention} keeps ND4J's batched products.
 */
final class FloatAttention {
    private FloatAttention() {}

    static final int L = S.length();
    /** Queries computed together ({@link #usable} asks for a multiple of it). */
    private static final int Q = 4;

    static boolean usable(DataType type, int tokens, int headSize) {
        return Engine.active(type) && tokens % L == 0 && tokens % Q == 0 && headSize % L == 0;
    }

    /** Scratch arrays per thread (two replicas train in two threads), grown as needed and reused across calls. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[10][0]);

    private static float[] scratch(int slot, long length) {
        float[][] s = SCRATCH.get();
        if (s[slot].length < length) {
            s[slot] = new float[(int) length];
        }
        return s[slot];
    }

    private static float[] read(INDArray a, int slot) {
        a = contiguous(a);
        float[] f = scratch(slot, a.length());
        Engine.direct(FloatAttention.class);
        a.data().asNioFloat().get(0, f, 0, (int) a.length());
        return f;
    }

    private static INDArray write(float[] f, long... shape) {
        INDArray a = Nd4j.createUninitialized(DataType.FLOAT, shape, 'c');
        Engine.direct(FloatAttention.class);
        a.data().asNioFloat().put(0, f, 0, (int) a.length());
        return a;
    }

    /**
     * @param q       queries {@code [batch·T, C]}, as are k and v
     * @param weights receives the attention weights, {@code [batch·heads·T, T]} (a row per query), for the backward
     *                pass and the attention pictures
     * @return the heads' outputs side by side, {@code [batch·T, C]}
     */
    static INDArray forward(INDArray q, INDArray k, INDArray v, int tokens, int heads, double scale, boolean causal,
                            INDArray[] weights) {
        int t = tokens;
        int c = (int) q.size(1);
        int d = c / heads;
        int batch = (int) (q.size(0) / t);
        float[] qa = read(q, 0);
        float[] ka = read(k, 1);
        float[] va = read(v, 2);
        float[] w = scratch(3, (long) batch * heads * t * t);
        float[] out = scratch(4, (long) batch * t * c);
        float[] kT = scratch(5, (long) d * t);
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                int row0 = b * t; // the example's first token row
                int col0 = h * d; // the head's first channel
                transpose(ka, row0, col0, c, t, d, kT);
                int wBase = (b * heads + h) * t * t;
                // four queries at a time (usable() asks for a multiple of 4 tokens): four independent chains of
                // multiply-adds over the same loaded keys and values, where one query's chain waited on each add
                for (int i = 0; i < t; i += Q) {
                    int q0 = (row0 + i) * c + col0; // query i's channels; the next query's are c further
                    int w0 = wBase + i * t; // query i's weights; the next query's are t further
                    fourRows(qa, q0, c, d, kT, 0, t, t, w, w0, t); // their scores against every key
                    for (int r = 0; r < Q; r++) {
                        FloatSoftmax.row(w, w0 + r * t, t, causal ? i + r + 1 : t, (float) scale);
                    }
                    // a causal row's weights past its own token are exactly 0: reading them up to the block's last
                    // token adds nothing
                    int n = causal ? i + Q : t;
                    fourRows(w, w0, t, n, va, row0 * c + col0, c, d, out, q0, c); // their outputs
                }
            }
        }
        weights[0] = write(w, (long) batch * heads * t, t);
        return write(out, (long) batch * t, c);
    }

    /**
     * The gradients of q, k and v (each {@code [batch·T, C]}, returned in that order) from the gradient of the
     * output {@code dOut [batch·T, C]}, with the weights the forward pass gave.
     */
    static INDArray[] backward(INDArray dOut, INDArray q, INDArray k, INDArray v, INDArray weights, int tokens,
                               int heads, double scale) {
        int t = tokens;
        int c = (int) q.size(1);
        int d = c / heads;
        int batch = (int) (q.size(0) / t);
        float[] qa = read(q, 0);
        float[] ka = read(k, 1);
        float[] va = read(v, 2);
        float[] w = read(weights, 3);
        float[] dm = read(dOut, 4);
        float[] vT = scratch(5, (long) d * t);
        float[] dS = scratch(6, (long) t * t);
        float[] dq = scratch(7, (long) batch * t * c);
        float[] dk = scratch(8, (long) batch * t * c);
        float[] dv = scratch(9, (long) batch * t * c);
        float k1 = (float) scale;
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                int row0 = b * t;
                int col0 = h * d;
                transpose(va, row0, col0, c, t, d, vT);
                int wBase = (b * heads + h) * t * t;
                // four queries at a time, as forward: dS = scale · W ⊙ (dW − Σ dW ⊙ W) row by row, with
                // dW = dOut·vᵀ; then dq_i = Σ_j dS[i,j]·k_j
                for (int i = 0; i < t; i += Q) {
                    int m0 = (row0 + i) * c + col0; // query i's channels, in dOut and dq alike
                    int s0 = i * t;
                    fourRows(dm, m0, c, d, vT, 0, t, t, dS, s0, t);
                    for (int r = 0; r < Q; r++) {
                        FloatSoftmax.rowBackward(dS, s0 + r * t, w, wBase + (i + r) * t, t, k1);
                    }
                    fourRows(dS, s0, t, t, ka, row0 * c + col0, c, d, dq, m0, c);
                }
                // dk_j = Σ_i dS[i,j]·q_i and dv_j = Σ_i W[i,j]·dOut_i, two keys at a time
                for (int j = 0; j < t; j += 2) {
                    for (int e = 0; e < d; e += L) {
                        FloatVector gk0 = FloatVector.zero(S), gk1 = gk0, gv0 = gk0, gv1 = gk0;
                        for (int i = 0; i < t; i++) {
                            int ri = (row0 + i) * c + col0 + e;
                            FloatVector qi = FloatVector.fromArray(S, qa, ri);
                            FloatVector mi = FloatVector.fromArray(S, dm, ri);
                            gk0 = qi.fma(broadcast(dS[i * t + j]), gk0);
                            gk1 = qi.fma(broadcast(dS[i * t + j + 1]), gk1);
                            gv0 = mi.fma(broadcast(w[wBase + i * t + j]), gv0);
                            gv1 = mi.fma(broadcast(w[wBase + i * t + j + 1]), gv1);
                        }
                        int k0 = (row0 + j) * c + col0 + e;
                        gk0.intoArray(dk, k0);
                        gk1.intoArray(dk, k0 + c);
                        gv0.intoArray(dv, k0);
                        gv1.intoArray(dv, k0 + c);
                    }
                }
            }
        }
        long rows = (long) batch * t;
        return new INDArray[] {write(dq, rows, c), write(dk, rows, c), write(dv, rows, c)};
    }

    /**
     * Four rows of a small product, out = a·b: row r of {@code a} at {@code a0 + r·aRow} ({@code n} values), row y of
     * {@code b} at {@code b0 + y·bRow}, row r of {@code out} at {@code o0 + r·oRow}, {@code width} columns (a multiple
     * of the vector length). Four independent chains of multiply-adds over the same loaded vectors of {@code b}: four
     * queries' scores (q·kᵀ) or outputs (weights·v), or their gradients.
     */
    private static void fourRows(float[] a, int a0, int aRow, int n, float[] b, int b0, int bRow, int width,
                                 float[] out, int o0, int oRow) {
        for (int x = 0; x < width; x += L) {
            FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
            for (int y = 0; y < n; y++) {
                FloatVector by = FloatVector.fromArray(S, b, b0 + y * bRow + x);
                s0 = by.fma(broadcast(a[a0 + y]), s0);
                s1 = by.fma(broadcast(a[a0 + aRow + y]), s1);
                s2 = by.fma(broadcast(a[a0 + 2 * aRow + y]), s2);
                s3 = by.fma(broadcast(a[a0 + 3 * aRow + y]), s3);
            }
            s0.intoArray(out, o0 + x);
            s1.intoArray(out, o0 + oRow + x);
            s2.intoArray(out, o0 + 2 * oRow + x);
            s3.intoArray(out, o0 + 3 * oRow + x);
        }
    }

    private static FloatVector broadcast(float x) {
        return FloatVector.broadcast(S, x);
    }

    /** The block of rows row0.. (t of them) and channels col0.. (d of them) of a [.., c] array, as [d, t] in into. */
    private static void transpose(float[] a, int row0, int col0, int c, int t, int d, float[] into) {
        for (int j = 0; j < t; j++) {
            int from = (row0 + j) * c + col0;
            for (int e = 0; e < d; e++) {
                into[e * t + j] = a[from + e];
            }
        }
    }
}
