package net.dl4jnets.engine;

import java.nio.ByteBuffer;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link VectorRelu}'s and {@link ReluLayer}'s passes over float arrays whose elements lie one after the other from
 * their offsets.
 */
final class FloatRelu {
    private FloatRelu() {}

    private static final VectorSpecies<Float> S = FloatMath.S;

    /** z becomes dL/da where z > 0, else 0. */
    static void backward(INDArray z, INDArray dLda) {
        backward(z, dLda, z);
    }

    /** {@code out} (z itself, or an array of its shape and order) receives dL/da where z > 0, else 0. */
    static void backward(INDArray z, INDArray dLda, INDArray out) {
        ByteBuffer zb = FloatMath.bytes(z);
        ByteBuffer gb = FloatMath.bytes(dLda);
        ByteBuffer ob = FloatMath.bytes(out);
        int zo = 4 * (int) z.offset();
        int go = 4 * (int) dLda.offset();
        int oo = 4 * (int) out.offset();
        int n = (int) z.length();
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += S.length()) {
            FloatVector zi = FloatVector.fromByteBuffer(S, zb, zo + 4 * i, FloatMath.ORDER);
            FloatVector gi = FloatVector.fromByteBuffer(S, gb, go + 4 * i, FloatMath.ORDER);
            gi.blend(zero, zi.compare(VectorOperators.LE, 0f)).intoByteBuffer(ob, oo + 4 * i, FloatMath.ORDER);
        }
        for (; i < n; i++) {
            ob.putFloat(oo + 4 * i, zb.getFloat(zo + 4 * i) > 0 ? gb.getFloat(go + 4 * i) : 0f);
        }
    }

    /** {@code a} = max(0, z), for arrays of one shape whose elements lie one after the other from offset 0. */
    static void forward(INDArray z, INDArray a) {
        ByteBuffer zb = FloatMath.bytes(z);
        ByteBuffer ab = FloatMath.bytes(a);
        int n = (int) z.length();
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += S.length()) {
            FloatVector zi = FloatVector.fromByteBuffer(S, zb, 4 * i, FloatMath.ORDER);
            zi.blend(zero, zi.compare(VectorOperators.LE, 0f)).intoByteBuffer(ab, 4 * i, FloatMath.ORDER);
        }
        for (; i < n; i++) {
            float v = zb.getFloat(4 * i);
            ab.putFloat(4 * i, v > 0 ? v : 0f);
        }
    }

    /**
     * For a dense layer's [rows, cols] 'c'-order output z at offset 0: {@code pre} (if not null) receives z + b, and z
     * becomes max(0, z + b), in one pass; b is a float vector of cols elements, or null for none.
     */
    static void biasForward(INDArray z, INDArray b, INDArray pre) {
        int rows = (int) z.size(0);
        int cols = (int) z.size(1);
        ByteBuffer zb = FloatMath.bytes(z);
        ByteBuffer pb = pre == null ? null : FloatMath.bytes(pre);
        float[] bias = b == null ? new float[cols] : FloatMath.read(b);
        FloatVector zero = FloatVector.zero(S);
        int bound = S.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int base = 4 * r * cols;
            int j = 0;
            for (; j < bound; j += S.length()) {
                FloatVector v = FloatVector.fromByteBuffer(S, zb, base + 4 * j, FloatMath.ORDER)
                        .add(FloatVector.fromArray(S, bias, j));
                if (pb != null) {
                    v.intoByteBuffer(pb, base + 4 * j, FloatMath.ORDER);
                }
                v.max(zero).intoByteBuffer(zb, base + 4 * j, FloatMath.ORDER);
            }
            for (; j < cols; j++) {
                float v = zb.getFloat(base + 4 * j) + bias[j];
                if (pb != null) {
                    pb.putFloat(base + 4 * j, v);
                }
                zb.putFloat(base + 4 * j, Math.max(v, 0f));
            }
        }
    }

    /**
     * As {@link #backward} for [rows, cols] 'c'-order arrays at offset 0, and returns the result's column sums (a dense
     * layer's bias gradient) from the same pass.
     */
    static float[] backwardColumnSums(INDArray z, INDArray dLda) {
        int rows = (int) z.size(0);
        int cols = (int) z.size(1);
        ByteBuffer zb = FloatMath.bytes(z);
        ByteBuffer gb = FloatMath.bytes(dLda);
        float[] sums = new float[cols];
        FloatVector zero = FloatVector.zero(S);
        int bound = S.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int base = 4 * r * cols;
            int j = 0;
            for (; j < bound; j += S.length()) {
                FloatVector zi = FloatVector.fromByteBuffer(S, zb, base + 4 * j, FloatMath.ORDER);
                FloatVector d = FloatVector.fromByteBuffer(S, gb, base + 4 * j, FloatMath.ORDER)
                        .blend(zero, zi.compare(VectorOperators.LE, 0f));
                d.intoByteBuffer(zb, base + 4 * j, FloatMath.ORDER);
                d.add(FloatVector.fromArray(S, sums, j)).intoArray(sums, j);
            }
            for (; j < cols; j++) {
                float d = zb.getFloat(base + 4 * j) > 0 ? gb.getFloat(base + 4 * j) : 0f;
                zb.putFloat(base + 4 * j, d);
                sums[j] += d;
            }
        }
        return sums;
    }
}
