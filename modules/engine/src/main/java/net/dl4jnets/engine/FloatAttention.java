package net.dl4jnets.engine;

import static net.dl4jnets.engine.FloatMath.S;
import static net.dl4jnets.engine.FloatMath.contiguous;

import java.util.Arrays;

import jdk.incubator.vector.FloatVector;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;


/**
 * The core of multi-head attention, between the projections: for every example and head, weights = softmax(q·kᵀ/√d)
 * (causal if asked) and output = weights·v, and the backward pass of both, in float with the Vector API. ND4J runs
 * each product as one small GEMM per example and head: for the vision transformer 512 products of 16×16 by 16×16 per
 * call, where the fixed cost of a call is most of the time; here each output row is a few vector multiply-adds.
 *
 * <p>The queries, keys and values stay in the projections' layout {@code [batch·tokens, channels]} (a head's channels
 * side by side in each row), so one copy reads each. A head whose size is not a multiple of the vector length is
 * padded with zero channels as it is read (the GPT's 24 channels to 32 on AVX-512), one head after another
 * ({@code [batch, heads, tokens, 32]}): a third more multiply-adds in three of the five products, against code for a
 * second vector species, which C2 compiled to boxed vectors when the species was a parameter (the vision
 * transformer's epoch 21.7 → 53 s). Unpadded heads are not repacked: the copies of 16 floats cost the vision
 * transformer 10–15% of its epoch (23.8–25.5 against 21.5 s). A causal layer's products stop at the last key a block
 * of queries sees: half the arithmetic for the GPT. The keys' and values' gradients are summed row by row through the
 * scores' gradients, not down their columns: the GPT's 128 tokens are rows 512 bytes apart, and four such column
 * walks at once kept missing the cache (its backward pass 50 ms a layer against 11).
 *
 * <p>Only for float networks, when the JVM has the Vector API, and when the tokens are a multiple of the vector length
 * ({@link #usable}); otherwise {@link FusedAttention} keeps ND4J's batched products.
 */
final class FloatAttention {
    private FloatAttention() {}

    static final int L = S.length();
    /** Queries computed together ({@link #usable} asks for a multiple of it). */
    private static final int Q = 4;

    static boolean usable(DataType type, int tokens, int headSize) {
        return Engine.active(type) && tokens % L == 0 && tokens % Q == 0 && headSize > 0;
    }

    /** A head's channels in the Java arrays: a whole number of vectors. */
    private static int padded(int d) {
        return (d + L - 1) / L * L;
    }

    /** The first multiple of the vector length at or past n, at most t: where a causal block's keys end. */
    private static int keysUpTo(int n, int t) {
        return Math.min(t, padded(n));
    }

    /** Scratch arrays per thread (two replicas train in two threads), grown as needed and reused across calls. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[11][0]);
    /** The slot {@link #read} and {@link #write} go through. */
    private static final int PACKED = 10;

    private static float[] scratch(int slot, long length) {
        float[][] s = SCRATCH.get();
        if (s[slot].length < length) {
            s[slot] = new float[(int) length];
        }
        return s[slot];
    }

    /**
     * How one layer call's arrays lie in Java: t tokens, heads of d channels padded to dp. Unpadded, as the
     * projections made them ({@code [batch·t, heads·d]}, a token's heads side by side, read in one copy); padded, one
     * head after another ({@code [batch, heads, t, dp]}, the padding 0).
     */
    private record Shape(int batch, int t, int heads, int d, int dp) {
        Shape(INDArray q, int t, int heads) {
            this((int) (q.size(0) / t), t, heads, (int) q.size(1) / heads, padded((int) q.size(1) / heads));
        }

        boolean packed() {
            return d != dp;
        }

        /** Where head h of example b begins. */
        int base(int b, int h) {
            return packed() ? (b * heads + h) * t * dp : b * t * heads * d + h * d;
        }

        /** From one token of a head to the next. */
        int stride() {
            return packed() ? dp : heads * d;
        }

        /** Where head h of the r-th row of {@code [batch·t, heads·d]} begins. */
        int at(int r, int h) {
            return base(r / t, h) + r % t * stride();
        }

        long length() {
            return (long) batch * heads * t * dp;
        }
    }

    /** {@code a [batch·t, heads·d]} into a scratch slot as {@code s} lays it out. */
    private static float[] read(INDArray a, int slot, Shape s) {
        if (!s.packed()) {
            return readAll(a, slot);
        }
        float[] rows = readAll(a, PACKED);
        float[] f = scratch(slot, s.length());
        int c = s.heads * s.d;
        for (int r = 0; r < s.batch * s.t; r++) {
            for (int h = 0; h < s.heads; h++) {
                int to = s.at(r, h);
                System.arraycopy(rows, r * c + h * s.d, f, to, s.d);
                // no real output reads the padding; zeros keep stale scratch (NaN, subnormals) out of the arithmetic
                Arrays.fill(f, to + s.d, to + s.dp, 0);
            }
        }
        return f;
    }

    /** The queries, keys and values in slots 0, 1 and 2. */
    private static float[][] read(INDArray q, INDArray k, INDArray v, Shape s) {
        return new float[][] {read(q, 0, s), read(k, 1, s), read(v, 2, s)};
    }

    /** The elements of {@code a} in a scratch slot. */
    private static float[] readAll(INDArray a, int slot) {
        a = contiguous(a);
        float[] f = scratch(slot, a.length());
        Engine.direct(FloatAttention.class);
        a.data().asNioFloat().get(0, f, 0, (int) a.length());
        return f;
    }

    /** {@code [batch·t, heads·d]} from the layout {@code s}. */
    private static INDArray write(float[] f, Shape s) {
        int c = s.heads * s.d;
        float[] rows = f;
        if (s.packed()) {
            rows = scratch(PACKED, (long) s.batch * s.t * c);
            for (int r = 0; r < s.batch * s.t; r++) {
                for (int h = 0; h < s.heads; h++) {
                    System.arraycopy(f, s.at(r, h), rows, r * c + h * s.d, s.d);
                }
            }
        }
        return write(rows, (long) s.batch * s.t, c);
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
        Shape s = new Shape(q, tokens, heads);
        int t = tokens;
        int d = s.d;
        int dp = s.dp;
        int c = s.stride();
        float[][] qkv = read(q, k, v, s);
        float[] qa = qkv[0];
        float[] ka = qkv[1];
        float[] va = qkv[2];
        float[] w = scratch(3, (long) s.batch * heads * t * t);
        float[] out = scratch(4, s.length());
        float[] kT = scratch(5, (long) d * t);
        for (int b = 0; b < s.batch; b++) {
            for (int h = 0; h < heads; h++) {
                int base = s.base(b, h); // the head's first token
                transpose(ka, base, c, t, d, kT);
                int wBase = (b * heads + h) * t * t;
                // four queries at a time (usable() asks for a multiple of 4 tokens): four independent chains of
                // multiply-adds over the same loaded keys and values, where one query's chain waited on each add
                for (int i = 0; i < t; i += Q) {
                    int q0 = base + i * c; // query i's channels; the next query's are c further
                    int w0 = wBase + i * t; // query i's weights; the next query's are t further
                    // their scores against every key (a causal block's against the keys it sees: row() zeroes the
                    // rest)
                    fourRows(qa, q0, c, d, kT, 0, t, causal ? keysUpTo(i + Q, t) : t, w, w0, t);
                    for (int r = 0; r < Q; r++) {
                        FloatSoftmax.row(w, w0 + r * t, t, causal ? i + r + 1 : t, (float) scale);
                    }
                    // a causal row's weights past its own token are exactly 0: reading them up to the block's last
                    // token adds nothing
                    fourRows(w, w0, t, causal ? i + Q : t, va, base, c, dp, out, q0, c); // their outputs
                }
            }
        }
        weights[0] = write(w, (long) s.batch * heads * t, t);
        return write(out, s);
    }

    /**
     * The gradients of q, k and v (each {@code [batch·T, C]}, returned in that order) from the gradient of the
     * output {@code dOut [batch·T, C]}, with the weights the forward pass gave.
     */
    static INDArray[] backward(INDArray dOut, INDArray q, INDArray k, INDArray v, INDArray weights, int tokens,
                               int heads, double scale, boolean causal) {
        Shape s = new Shape(q, tokens, heads);
        int t = tokens;
        int d = s.d;
        int dp = s.dp;
        int c = s.stride();
        float[][] qkv = read(q, k, v, s);
        float[] qa = qkv[0];
        float[] ka = qkv[1];
        float[] va = qkv[2];
        float[] w = readAll(weights, 3);
        float[] dm = read(dOut, 4, s);
        float[] vT = scratch(5, (long) d * t);
        float[] dS = scratch(6, (long) Q * t);
        float[] dq = scratch(7, s.length());
        float[] dk = scratch(8, s.length());
        float[] dv = scratch(9, s.length());
        Arrays.fill(dk, 0, (int) s.length(), 0);
        Arrays.fill(dv, 0, (int) s.length(), 0);
        float k1 = (float) scale;
        for (int b = 0; b < s.batch; b++) {
            for (int h = 0; h < heads; h++) {
                int base = s.base(b, h);
                transpose(va, base, c, t, d, vT);
                int wBase = (b * heads + h) * t * t;
                // four queries at a time, as forward: dS = scale · W ⊙ (dW − Σ dW ⊙ W) row by row, with
                // dW = dOut·vᵀ; then dq_i = Σ_j dS[i,j]·k_j, and the four queries' share of every key's and value's
                // gradient. A causal block's weights past the keys it sees are 0, and so are their gradients: its
                // rows stop there.
                for (int i = 0; i < t; i += Q) {
                    int m0 = base + i * c; // query i's channels, in q, dOut and dq alike
                    int seen = causal ? keysUpTo(i + Q, t) : t;
                    int n = causal ? i + Q : t;
                    fourRows(dm, m0, c, d, vT, 0, t, seen, dS, 0, t);
                    for (int r = 0; r < Q; r++) {
                        FloatSoftmax.rowBackward(dS, r * t, w, wBase + (i + r) * t, seen, k1);
                    }
                    fourRows(dS, 0, t, n, ka, base, c, dp, dq, m0, c);
                    keyGradients(qa, dm, m0, c, dp, dS, w, wBase + i * t, t, n, dk, dv, base);
                }
            }
        }
        return new INDArray[] {write(dq, s), write(dk, s), write(dv, s)};
    }

    /**
     * Four queries' share of the first n keys' and values' gradients: dk_j += Σ_r dS[r,j]·q_r and
     * dv_j += Σ_r W[r,j]·dOut_r over the queries r at {@code m0 + r·c} (of q and dOut), dS's rows at {@code r·t},
     * W's at {@code w0 + r·t}, key j's gradients at {@code base + j·c}, dp channels. Row by row through dS and W and
     * the keys in order: the same sums as a key's walk down its column of dS, without the column walks.
     */
    private static void keyGradients(float[] qa, float[] dm, int m0, int c, int dp, float[] dS, float[] w, int w0,
                                     int t, int n, float[] dk, float[] dv, int base) {
        for (int e = 0; e < dp; e += L) {
            FloatVector q0 = FloatVector.fromArray(S, qa, m0 + e);
            FloatVector q1 = FloatVector.fromArray(S, qa, m0 + c + e);
            FloatVector q2 = FloatVector.fromArray(S, qa, m0 + 2 * c + e);
            FloatVector q3 = FloatVector.fromArray(S, qa, m0 + 3 * c + e);
            FloatVector g0 = FloatVector.fromArray(S, dm, m0 + e);
            FloatVector g1 = FloatVector.fromArray(S, dm, m0 + c + e);
            FloatVector g2 = FloatVector.fromArray(S, dm, m0 + 2 * c + e);
            FloatVector g3 = FloatVector.fromArray(S, dm, m0 + 3 * c + e);
            for (int j = 0; j < n; j++) {
                int kj = base + j * c + e;
                q0.fma(broadcast(dS[j]), FloatVector.fromArray(S, dk, kj))
                        .add(q1.mul(broadcast(dS[t + j])).add(q2.fma(broadcast(dS[2 * t + j]),
                                q3.mul(broadcast(dS[3 * t + j])))))
                        .intoArray(dk, kj);
                g0.fma(broadcast(w[w0 + j]), FloatVector.fromArray(S, dv, kj))
                        .add(g1.mul(broadcast(w[w0 + t + j])).add(g2.fma(broadcast(w[w0 + 2 * t + j]),
                                g3.mul(broadcast(w[w0 + 3 * t + j])))))
                        .intoArray(dv, kj);
            }
        }
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

    /** The t rows of d channels at {@code base} (c apart) of a, as [d, t] in into. */
    private static void transpose(float[] a, int base, int c, int t, int d, float[] into) {
        for (int j = 0; j < t; j++) {
            for (int e = 0; e < d; e++) {
                into[e * t + j] = a[base + j * c + e];
            }
        }
    }
}
