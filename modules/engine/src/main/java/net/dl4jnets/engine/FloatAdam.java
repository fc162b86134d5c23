package net.dl4jnets.engine;

import java.nio.ByteBuffer;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** {@link VectorAdam.Updater}'s step as one float Vector API pass, in place in ND4J's memory. */
final class FloatAdam {
    private FloatAdam() {}

    private static final VectorSpecies<Float> S = FloatMath.S;

    /**
     * Float vectors whose elements lie one after the other in their buffers (views at an offset are fine): what DL4J
     * hands an updater, a block of its flattened gradient and state.
     */
    static boolean usable(INDArray g, INDArray m, INDArray v) {
        for (INDArray a : new INDArray[] {g, m, v}) {
            if (a.dataType() != DataType.FLOAT || !a.isVectorOrScalar() || a.elementWiseStride() != 1) {
                return false;
            }
        }
        return true;
    }

    /** As libnd4j: the bias correction folded into the rate, in the arrays' type (ε where that is not finite). */
    static float rate(double lr, float b1, float b2, float eps, int iteration) {
        float b1t = (float) Math.pow(b1, iteration + 1);
        float b2t = (float) Math.pow(b2, iteration + 1);
        float rate = (float) (lr * Math.sqrt(1.0 - b2t) / (1.0 - b1t));
        return Float.isNaN(rate) || Float.isInfinite(rate) || rate == 0 ? eps : rate;
    }

    static void step(INDArray g, INDArray m, INDArray v, double lr, double beta1, double beta2, double epsilon,
                     int iteration) {
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float eps = (float) epsilon;
        float rate = rate(lr, b1, b2, eps, iteration);
        ByteBuffer gb = FloatMath.bytes(g);
        ByteBuffer mb = FloatMath.bytes(m);
        ByteBuffer vb = FloatMath.bytes(v);
        int go = 4 * (int) g.offset();
        int mo = 4 * (int) m.offset();
        int vo = 4 * (int) v.offset();
        int n = (int) g.length();
        FloatVector keepM = FloatVector.broadcast(S, b1);
        FloatVector takeM = FloatVector.broadcast(S, 1 - b1);
        FloatVector keepV = FloatVector.broadcast(S, b2);
        FloatVector takeV = FloatVector.broadcast(S, 1 - b2);
        FloatVector rates = FloatVector.broadcast(S, rate);
        FloatVector epsilons = FloatVector.broadcast(S, eps);
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += S.length()) {
            FloatVector gi = FloatVector.fromByteBuffer(S, gb, go + 4 * i, FloatMath.ORDER);
            FloatVector mi = keepM.mul(FloatVector.fromByteBuffer(S, mb, mo + 4 * i, FloatMath.ORDER))
                    .add(gi.mul(takeM));
            FloatVector vi = keepV.mul(FloatVector.fromByteBuffer(S, vb, vo + 4 * i, FloatMath.ORDER))
                    .add(gi.mul(gi).mul(takeV));
            mi.intoByteBuffer(mb, mo + 4 * i, FloatMath.ORDER);
            vi.intoByteBuffer(vb, vo + 4 * i, FloatMath.ORDER);
            mi.mul(rates).div(vi.sqrt().add(epsilons)).intoByteBuffer(gb, go + 4 * i, FloatMath.ORDER);
        }
        for (; i < n; i++) {
            float gi = gb.getFloat(go + 4 * i);
            float mi = b1 * mb.getFloat(mo + 4 * i) + gi * (1 - b1);
            float vi = b2 * vb.getFloat(vo + 4 * i) + gi * gi * (1 - b2);
            mb.putFloat(mo + 4 * i, mi);
            vb.putFloat(vo + 4 * i, vi);
            gb.putFloat(go + 4 * i, mi * rate / ((float) Math.sqrt(vi) + eps));
        }
    }
}
