package net.dl4jnets.engine;

import static net.dl4jnets.engine.FloatMath.ORDER;
import static net.dl4jnets.engine.FloatMath.bytes;
import static net.dl4jnets.engine.FloatMath.contiguous;

import java.nio.ByteBuffer;

import jdk.incubator.vector.FloatVector;
import org.nd4j.linalg.api.ndarray.INDArray;

import net.dl4jnets.layers.Linear;


/**
 * ND4J's GELU, z·σ(1.702·z), and its derivative, each in one pass over float memory with the Vector API, reading and
 * writing ND4J's buffers in place. ND4J computes the sigmoid one element at a time and the derivative as eight
 * operations over the whole array; on the vision transformer's MLP activations ([2048, 128] per batch) that was
 * about a tenth of a training step. Float arrays only, and only when the JVM has the Vector API ({@link #usable});
 * otherwise {@link Linear} keeps ND4J's operations, which double-precision gradient checks use.
 */
final class FloatGelu {
    private FloatGelu() {}

    private static final FloatVector SLOPE = FloatVector.broadcast(FloatMath.S, (float) Linear.GELU_SLOPE),
            ONE = FloatVector.broadcast(FloatMath.S, 1);

    static boolean usable(INDArray a) {
        return Engine.active(a.dataType());
    }

    /** GELU(z), a new array in the current workspace. */
    static INDArray forward(INDArray z) {
        z = contiguous(z);
        INDArray y = z.ulike();
        Engine.direct(FloatGelu.class);
        ByteBuffer in = bytes(z);
        ByteBuffer out = bytes(y);
        int n = (int) z.length();
        int i = 0;
        for (int end = FloatMath.S.loopBound(n); i < end; i += FloatMath.S.length()) {
            FloatVector x = FloatVector.fromByteBuffer(FloatMath.S, in, 4 * i, ORDER);
            x.mul(FloatMath.sigmoid(x.mul(SLOPE))).intoByteBuffer(out, 4 * i, ORDER);
        }
        for (; i < n; i++) {
            float x = in.getFloat(4 * i);
            out.putFloat(4 * i, x * sigmoid(x));
        }
        return y;
    }

    /** {@code dy · GELU'(z)}, a new array: σ(1.702·z) + 1.702·z·σ(1.702·z)·(1 − σ(1.702·z)), times dy. */
    static INDArray backward(INDArray z, INDArray dy) {
        z = contiguous(z);
        dy = contiguous(dy);
        INDArray dz = z.ulike();
        Engine.direct(FloatGelu.class);
        ByteBuffer in = bytes(z);
        ByteBuffer grad = bytes(dy);
        ByteBuffer out = bytes(dz);
        int n = (int) z.length();
        int i = 0;
        for (int end = FloatMath.S.loopBound(n); i < end; i += FloatMath.S.length()) {
            FloatVector x = FloatVector.fromByteBuffer(FloatMath.S, in, 4 * i, ORDER);
            FloatVector s = FloatMath.sigmoid(x.mul(SLOPE));
            FloatVector d = x.mul(SLOPE).mul(s).mul(ONE.sub(s)).add(s);
            d.mul(FloatVector.fromByteBuffer(FloatMath.S, grad, 4 * i, ORDER)).intoByteBuffer(out, 4 * i, ORDER);
        }
        for (; i < n; i++) {
            float x = in.getFloat(4 * i);
            float s = sigmoid(x);
            out.putFloat(4 * i, (float) ((s + Linear.GELU_SLOPE * x * s * (1 - s)) * grad.getFloat(4 * i)));
        }
        return dz;
    }

    private static float sigmoid(float x) {
        return (float) (1 / (1 + Math.exp(-Linear.GELU_SLOPE * x)));
    }
}
