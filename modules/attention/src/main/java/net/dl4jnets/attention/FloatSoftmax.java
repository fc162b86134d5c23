package net.dl4jnets.attention;

import static net.dl4jnets.common.nn.FloatMath.ORDER;
import static net.dl4jnets.common.nn.FloatMath.S;
import static net.dl4jnets.common.nn.FloatMath.bytes;
import static net.dl4jnets.common.nn.FloatMath.contiguous;

import java.nio.ByteBuffer;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import net.dl4jnets.common.nn.FloatMath;
import net.dl4jnets.common.nn.VectorApi;

/**
 * The attention's softmax over each row of scores, with the scaling by 1/√d and the causal mask folded in, and its
 * backward pass, each in one pass over float memory with the Vector API. ND4J's softmax took 0.7 ms for the vision
 * transformer's [8192, 16] scores, and the scaling, the mask and the backward pass were six more operations. A
 * masked score's weight is exactly 0, so nothing of a later token reaches an earlier one. Float arrays only, when the
 * JVM has the Vector API ({@link #usable}); otherwise {@link MultiHeadAttention} keeps ND4J's operations.
 */
final class FloatSoftmax {
    private FloatSoftmax() {}

    static boolean usable(INDArray a) {
        return a.dataType() == DataType.FLOAT && VectorApi.PRESENT;
    }

    /**
     * Each row r of {@code scores [rows, T]} becomes softmax(scale · row); when causal, over its first (r mod T) + 1
     * entries only, the rest 0 (a row is query r mod T of a group of T queries). In place when the array is
     * contiguous; returns the weights.
     */
    static INDArray forward(INDArray scores, double scale, boolean causal) {
        INDArray w = contiguous(scores);
        ByteBuffer b = bytes(w);
        int t = (int) w.size(1);
        long rows = w.size(0);
        float k = (float) scale;
        for (long r = 0; r < rows; r++) {
            int base = (int) (4 * r * t);
            int n = causal ? (int) (r % t) + 1 : t;
            int vectors = S.loopBound(n);
            float max = Float.NEGATIVE_INFINITY;
            int j = 0;
            for (; j < vectors; j += S.length()) {
                max = Math.max(max, FloatVector.fromByteBuffer(S, b, base + 4 * j, ORDER)
                        .reduceLanes(VectorOperators.MAX));
            }
            for (; j < n; j++) {
                max = Math.max(max, b.getFloat(base + 4 * j));
            }
            // e^(k·x − k·max), largest term 1, summed; then each divided by the sum
            FloatVector factor = FloatVector.broadcast(S, k);
            FloatVector shift = FloatVector.broadcast(S, -k * max);
            FloatVector sums = FloatVector.zero(S);
            float sum = 0;
            for (j = 0; j < vectors; j += S.length()) {
                FloatVector e = FloatMath.exp(FloatVector.fromByteBuffer(S, b, base + 4 * j, ORDER).fma(factor, shift));
                e.intoByteBuffer(b, base + 4 * j, ORDER);
                sums = sums.add(e);
            }
            for (; j < n; j++) {
                float e = (float) Math.exp(k * b.getFloat(base + 4 * j) - k * max);
                b.putFloat(base + 4 * j, e);
                sum += e;
            }
            float inverse = 1 / (sum + sums.reduceLanes(VectorOperators.ADD));
            for (j = 0; j < vectors; j += S.length()) {
                FloatVector.fromByteBuffer(S, b, base + 4 * j, ORDER).mul(inverse).intoByteBuffer(b, base + 4 * j, ORDER);
            }
            for (; j < n; j++) {
                b.putFloat(base + 4 * j, b.getFloat(base + 4 * j) * inverse);
            }
            for (; j < t; j++) {
                b.putFloat(base + 4 * j, 0f);
            }
        }
        return w;
    }

    /**
     * The scores' gradient from the weights' {@code dW} for weights {@code w} (both [rows, T]), row by row:
     * scale · w ⊙ (dW − Σ dW ⊙ w). In place in dW when it is contiguous; returns it.
     */
    static INDArray backward(INDArray dW, INDArray w, double scale) {
        dW = contiguous(dW);
        w = contiguous(w);
        ByteBuffer d = bytes(dW);
        ByteBuffer p = bytes(w);
        int t = (int) w.size(1);
        long rows = w.size(0);
        int vectors = S.loopBound(t);
        float k = (float) scale;
        for (long r = 0; r < rows; r++) {
            int base = (int) (4 * r * t);
            FloatVector dots = FloatVector.zero(S);
            float dot = 0;
            int j = 0;
            for (; j < vectors; j += S.length()) {
                dots = FloatVector.fromByteBuffer(S, d, base + 4 * j, ORDER)
                        .fma(FloatVector.fromByteBuffer(S, p, base + 4 * j, ORDER), dots);
            }
            for (; j < t; j++) {
                dot += d.getFloat(base + 4 * j) * p.getFloat(base + 4 * j);
            }
            float total = dot + dots.reduceLanes(VectorOperators.ADD);
            for (j = 0; j < vectors; j += S.length()) {
                FloatVector.fromByteBuffer(S, d, base + 4 * j, ORDER).sub(total)
                        .mul(FloatVector.fromByteBuffer(S, p, base + 4 * j, ORDER)).mul(k)
                        .intoByteBuffer(d, base + 4 * j, ORDER);
            }
            for (; j < t; j++) {
                d.putFloat(base + 4 * j, (d.getFloat(base + 4 * j) - total) * p.getFloat(base + 4 * j) * k);
            }
        }
        return dW;
    }
}
