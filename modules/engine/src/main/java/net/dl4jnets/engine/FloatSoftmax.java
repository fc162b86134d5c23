package net.dl4jnets.engine;

import static net.dl4jnets.engine.FloatMath.S;
import static net.dl4jnets.engine.FloatMath.contiguous;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import org.nd4j.linalg.api.ndarray.INDArray;


/**
 * The attention's softmax over each row of scores, with the scaling by 1/√d and the causal mask folded in, and its
 * backward pass, in float with the Vector API: a row at a time ({@link #row}, {@link #rowBackward}) for
 * {@link FloatAttention}, or over a whole array of scores. ND4J's softmax took 0.5–0.8 ms for the vision
 * transformer's [8192, 16] scores, and the scaling, the mask and the backward pass were six more operations. A
 * masked score's weight is exactly 0, so nothing of a later token reaches an earlier one. Float arrays only, when the
 * JVM has the Vector API ({@link #usable}); otherwise {@link FusedAttention} keeps ND4J's operations.
 */
final class FloatSoftmax {
    private FloatSoftmax() {}

    static boolean usable(INDArray a) {
        return Engine.active(a.dataType());
    }

    /**
     * Each row r of {@code scores [rows, T]} becomes softmax(scale · row); when causal, over its first (r mod T) + 1
     * entries only, the rest 0 (a row is query r mod T of a group of T queries). Returns the weights (the same array
     * when it is contiguous).
     */
    static INDArray forward(INDArray scores, double scale, boolean causal) {
        INDArray w = contiguous(scores);
        float[] a = floats(w);
        int t = (int) w.size(1);
        for (int r = 0; r < w.size(0); r++) {
            row(a, r * t, t, causal ? r % t + 1 : t, (float) scale);
        }
        Engine.direct(FloatSoftmax.class);
        w.data().asNioFloat().put(0, a, 0, a.length);
        return w;
    }

    /** The scores' gradient from the weights' gradient {@code dW} for weights {@code w}, both [rows, T]. */
    static INDArray backward(INDArray dW, INDArray w, double scale) {
        dW = contiguous(dW);
        float[] d = floats(dW);
        float[] p = floats(contiguous(w));
        int t = (int) w.size(1);
        for (int r = 0; r < w.size(0); r++) {
            rowBackward(d, r * t, p, r * t, t, (float) scale);
        }
        Engine.direct(FloatSoftmax.class);
        dW.data().asNioFloat().put(0, d, 0, d.length);
        return dW;
    }

    /** The elements of a contiguous array. */
    private static float[] floats(INDArray a) {
        float[] f = new float[(int) a.length()];
        Engine.direct(FloatSoftmax.class);
        a.data().asNioFloat().get(0, f, 0, f.length);
        return f;
    }

    /** a[base..base+t) becomes softmax(scale · a) over its first n entries, 0 after them. */
    static void row(float[] a, int base, int t, int n, float scale) {
        int vectors = S.loopBound(n);
        float max = Float.NEGATIVE_INFINITY;
        int j = 0;
        for (; j < vectors; j += S.length()) {
            max = Math.max(max, FloatVector.fromArray(S, a, base + j).reduceLanes(VectorOperators.MAX));
        }
        for (; j < n; j++) {
            max = Math.max(max, a[base + j]);
        }
        // e^(scale·x − scale·max): the largest term is 1; then each is divided by their sum
        FloatVector factor = FloatVector.broadcast(S, scale);
        FloatVector shift = FloatVector.broadcast(S, -scale * max);
        FloatVector sums = FloatVector.zero(S);
        float sum = 0;
        for (j = 0; j < vectors; j += S.length()) {
            FloatVector e = FloatMath.exp(FloatVector.fromArray(S, a, base + j).fma(factor, shift));
            e.intoArray(a, base + j);
            sums = sums.add(e);
        }
        for (; j < n; j++) {
            a[base + j] = (float) Math.exp(scale * a[base + j] - scale * max);
            sum += a[base + j];
        }
        float inverse = 1 / (sum + sums.reduceLanes(VectorOperators.ADD));
        for (j = 0; j < vectors; j += S.length()) {
            FloatVector.fromArray(S, a, base + j).mul(inverse).intoArray(a, base + j);
        }
        for (; j < n; j++) {
            a[base + j] *= inverse;
        }
        for (; j < t; j++) {
            a[base + j] = 0;
        }
    }

    /**
     * d[base..base+t), the gradient of a row of weights w[wBase..wBase+t), becomes the gradient of its scores:
     * scale · w ⊙ (d − Σ d ⊙ w).
     */
    static void rowBackward(float[] d, int base, float[] w, int wBase, int t, float scale) {
        int vectors = S.loopBound(t);
        FloatVector dots = FloatVector.zero(S);
        float dot = 0;
        int j = 0;
        for (; j < vectors; j += S.length()) {
            dots = FloatVector.fromArray(S, d, base + j).fma(FloatVector.fromArray(S, w, wBase + j), dots);
        }
        for (; j < t; j++) {
            dot += d[base + j] * w[wBase + j];
        }
        float total = dot + dots.reduceLanes(VectorOperators.ADD);
        for (j = 0; j < vectors; j += S.length()) {
            FloatVector.fromArray(S, d, base + j).sub(total).mul(FloatVector.fromArray(S, w, wBase + j)).mul(scale)
                    .intoArray(d, base + j);
        }
        for (; j < t; j++) {
            d[base + j] = (d[base + j] - total) * w[wBase + j] * scale;
        }
    }
}
