package net.dl4jnets.common.nn;

import java.nio.ByteBuffer;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.ndarray.INDArray;

/** {@link VectorRelu}'s gradient pass over float arrays whose elements lie one after the other from their offsets. */
final class FloatRelu {
    private FloatRelu() {}

    private static final VectorSpecies<Float> S = FloatMath.S;

    /** z becomes dL/da where z > 0, else 0. */
    static void backward(INDArray z, INDArray dLda) {
        ByteBuffer zb = FloatMath.bytes(z);
        ByteBuffer gb = FloatMath.bytes(dLda);
        int zo = 4 * (int) z.offset();
        int go = 4 * (int) dLda.offset();
        int n = (int) z.length();
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += S.length()) {
            FloatVector zi = FloatVector.fromByteBuffer(S, zb, zo + 4 * i, FloatMath.ORDER);
            FloatVector gi = FloatVector.fromByteBuffer(S, gb, go + 4 * i, FloatMath.ORDER);
            gi.blend(zero, zi.compare(VectorOperators.LE, 0f)).intoByteBuffer(zb, zo + 4 * i, FloatMath.ORDER);
        }
        for (; i < n; i++) {
            zb.putFloat(zo + 4 * i, zb.getFloat(zo + 4 * i) > 0 ? gb.getFloat(go + 4 * i) : 0f);
        }
    }
}
