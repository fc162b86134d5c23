package net.dl4jnets.engine;

import java.nio.ByteBuffer;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link VectorBatchNorm}'s passes over 'c'-order float [n, channels, h, w] arrays at offset 0: each (example,
 * channel) plane is h·w consecutive floats.
 */
final class FloatBatchNorm {
    private FloatBatchNorm() {}

    private static final VectorSpecies<Float> S = FloatMath.S;

    /** A batch's per-channel mean and (biased) variance, and 1/√(variance + ε). */
    record Stats(float[] mean, float[] variance, float[] invStd) {}

    static Stats stats(INDArray x, double eps) {
        int n = (int) x.size(0);
        int channels = (int) x.size(1);
        int plane = (int) (x.size(2) * x.size(3));
        ByteBuffer xb = FloatMath.bytes(x);
        float[] mean = new float[channels];
        float[] variance = new float[channels];
        float[] invStd = new float[channels];
        double count = (double) n * plane;
        for (int c = 0; c < channels; c++) {
            // sums of x − k and (x − k)² for k one of the channel's values: no cancellation when |mean| ≫ std
            float k = xb.getFloat(4 * c * plane);
            FloatVector shift = FloatVector.broadcast(S, k);
            double s1 = 0;
            double s2 = 0;
            for (int e = 0; e < n; e++) {
                int base = 4 * (e * channels + c) * plane;
                FloatVector v1 = FloatVector.zero(S);
                FloatVector v2 = FloatVector.zero(S);
                int i = 0;
                for (int end = S.loopBound(plane); i < end; i += S.length()) {
                    FloatVector d = FloatVector.fromByteBuffer(S, xb, base + 4 * i, FloatMath.ORDER).sub(shift);
                    v1 = v1.add(d);
                    v2 = d.fma(d, v2);
                }
                float r1 = v1.reduceLanes(VectorOperators.ADD);
                float r2 = v2.reduceLanes(VectorOperators.ADD);
                for (; i < plane; i++) {
                    float d = xb.getFloat(base + 4 * i) - k;
                    r1 += d;
                    r2 += d * d;
                }
                s1 += r1;
                s2 += r2;
            }
            double m = s1 / count;
            double var = Math.max(0, s2 / count - m * m);
            mean[c] = (float) (k + m);
            variance[c] = (float) var;
            invStd[c] = (float) (1 / Math.sqrt(var + eps));
        }
        return new Stats(mean, variance, invStd);
    }

    /** y = x · scale[c] + shift[c]. */
    static void affine(INDArray x, float[] scale, float[] shift, INDArray y) {
        int n = (int) x.size(0);
        int channels = (int) x.size(1);
        int plane = (int) (x.size(2) * x.size(3));
        ByteBuffer xb = FloatMath.bytes(x);
        ByteBuffer yb = FloatMath.bytes(y);
        for (int e = 0; e < n; e++) {
            for (int c = 0; c < channels; c++) {
                int base = 4 * (e * channels + c) * plane;
                FloatVector a = FloatVector.broadcast(S, scale[c]);
                FloatVector b = FloatVector.broadcast(S, shift[c]);
                int i = 0;
                for (int end = S.loopBound(plane); i < end; i += S.length()) {
                    FloatVector.fromByteBuffer(S, xb, base + 4 * i, FloatMath.ORDER).fma(a, b)
                            .intoByteBuffer(yb, base + 4 * i, FloatMath.ORDER);
                }
                for (; i < plane; i++) {
                    yb.putFloat(base + 4 * i, xb.getFloat(base + 4 * i) * scale[c] + shift[c]);
                }
            }
        }
    }

    /**
     * The input gradient into {@code dx}, for output gradient {@code dy}; returns {dγ, dβ}. With x̂ = (x − μ)/σ and
     * M values per channel: dβ = Σ dy, dγ = Σ dy·x̂, dx = γ/σ · (dy − dβ/M − x̂·dγ/M).
     */
    static float[][] backward(INDArray x, INDArray dy, Stats stats, float[] gamma, INDArray dx) {
        int n = (int) x.size(0);
        int channels = (int) x.size(1);
        int plane = (int) (x.size(2) * x.size(3));
        ByteBuffer xb = FloatMath.bytes(x);
        ByteBuffer gb = FloatMath.bytes(dy);
        ByteBuffer db = FloatMath.bytes(dx);
        float[] dGamma = new float[channels];
        float[] dBeta = new float[channels];
        double count = (double) n * plane;
        for (int c = 0; c < channels; c++) {
            float mean = stats.mean()[c];
            FloatVector mu = FloatVector.broadcast(S, mean);
            double sumDy = 0;
            double sumDyXmu = 0;
            for (int e = 0; e < n; e++) {
                int base = 4 * (e * channels + c) * plane;
                FloatVector v1 = FloatVector.zero(S);
                FloatVector v2 = FloatVector.zero(S);
                int i = 0;
                for (int end = S.loopBound(plane); i < end; i += S.length()) {
                    FloatVector g = FloatVector.fromByteBuffer(S, gb, base + 4 * i, FloatMath.ORDER);
                    FloatVector d = FloatVector.fromByteBuffer(S, xb, base + 4 * i, FloatMath.ORDER).sub(mu);
                    v1 = v1.add(g);
                    v2 = g.fma(d, v2);
                }
                float r1 = v1.reduceLanes(VectorOperators.ADD);
                float r2 = v2.reduceLanes(VectorOperators.ADD);
                for (; i < plane; i++) {
                    float g = gb.getFloat(base + 4 * i);
                    r1 += g;
                    r2 += g * (xb.getFloat(base + 4 * i) - mean);
                }
                sumDy += r1;
                sumDyXmu += r2;
            }
            double invStd = stats.invStd()[c];
            double dg = sumDyXmu * invStd;
            dGamma[c] = (float) dg;
            dBeta[c] = (float) sumDy;
            // dx = a·dy + c2·x + c0
            double a = gamma[c] * invStd;
            double c2 = -a * dg * invStd / count;
            double c0 = -c2 * mean - a * sumDy / count;
            FloatVector va = FloatVector.broadcast(S, (float) a);
            FloatVector vc2 = FloatVector.broadcast(S, (float) c2);
            FloatVector vc0 = FloatVector.broadcast(S, (float) c0);
            for (int e = 0; e < n; e++) {
                int base = 4 * (e * channels + c) * plane;
                int i = 0;
                for (int end = S.loopBound(plane); i < end; i += S.length()) {
                    FloatVector g = FloatVector.fromByteBuffer(S, gb, base + 4 * i, FloatMath.ORDER);
                    FloatVector xv = FloatVector.fromByteBuffer(S, xb, base + 4 * i, FloatMath.ORDER);
                    g.fma(va, xv.fma(vc2, vc0)).intoByteBuffer(db, base + 4 * i, FloatMath.ORDER);
                }
                for (; i < plane; i++) {
                    db.putFloat(base + 4 * i, (float) (a * gb.getFloat(base + 4 * i)
                            + c2 * xb.getFloat(base + 4 * i) + c0));
                }
            }
        }
        return new float[][] {dGamma, dBeta};
    }
}
