package net.dl4jnets.engine;

import java.nio.FloatBuffer;
import java.util.Arrays;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link VectorPooling}'s passes over 'c'-order float [n, channels, h, w] arrays at offset 0, one (example, channel)
 * plane at a time: the plane is copied into a Java array (a few kilobytes, in the first-level cache), pooled there
 * and the result copied out in one piece. Windows of any size and stride, no padding; the 2x2 windows of stride 2
 * that most CNNs pool with a vector of outputs at a time.
 */
final class FloatPooling {
    private FloatPooling() {}

    private static final VectorSpecies<Float> S = FloatMath.S;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, S.vectorShape());
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(8 * S.length()));
    private static final IntVector[] TAP = {IntVector.broadcast(I, 0), IntVector.broadcast(I, 1),
            IntVector.broadcast(I, 2), IntVector.broadcast(I, 3)};
    private static final FloatVector ZERO = FloatVector.zero(S);

    /** The shape of one pooling: window, stride, and the input and output planes. */
    record Shape(int kH, int kW, int sH, int sW, int h, int w, int oh, int ow) {
        int taps() {
            return kH * kW;
        }

        /** Whether the vector path applies: 2x2 windows of stride 2. */
        boolean pairs() {
            return kH == 2 && kW == 2 && sH == 2 && sW == 2;
        }

        /** Where each output's window starts in the input plane. */
        int[] corners() {
            int[] c = new int[oh * ow];
            for (int o = 0; o < c.length; o++) {
                c[o] = o / ow * sH * w + o % ow * sW;
            }
            return c;
        }
    }

    /**
     * {@code y} from {@code x}: each window's largest value ({@code max}), or its mean. With {@code taps} (max only),
     * the tap of each output's largest value, ky·kW + kx, the first in row order among equals, for the backward pass.
     */
    static void forward(INDArray x, Shape s, boolean max, INDArray y, byte[] taps) {
        FloatBuffer xf = x.data().asNioFloat();
        FloatBuffer yf = y.data().asNioFloat();
        int[] corners = s.corners();
        FloatMath.split((int) (x.size(0) * x.size(1)), x.length(), (from, to) -> {
            int inPlane = s.h() * s.w();
            int outPlane = s.oh() * s.ow();
            float[] in = new float[inPlane];
            float[] out = new float[outPlane];
            for (int p = from; p < to; p++) {
                xf.get(p * inPlane, in, 0, inPlane);
                int o = s.pairs() ? pairs(in, corners, s.w(), max, out, taps, p * outPlane) : 0;
                for (; o < outPlane; o++) {
                    int corner = corners[o];
                    if (max) {
                        float best = in[corner];
                        int arg = 0;
                        for (int ky = 0; ky < s.kH(); ky++) {
                            for (int kx = 0; kx < s.kW(); kx++) {
                                float v = in[corner + ky * s.w() + kx];
                                if (v > best) {
                                    best = v;
                                    arg = ky * s.kW() + kx;
                                }
                            }
                        }
                        out[o] = best;
                        if (taps != null) {
                            taps[p * outPlane + o] = (byte) arg;
                        }
                    } else {
                        float sum = 0;
                        for (int ky = 0; ky < s.kH(); ky++) {
                            for (int kx = 0; kx < s.kW(); kx++) {
                                sum += in[corner + ky * s.w() + kx];
                            }
                        }
                        out[o] = sum / s.taps();
                    }
                }
                yf.put(p * outPlane, out, 0, outPlane);
            }
        });
    }

    /**
     * 2x2 windows of stride 2 a vector of outputs at a time, each of the four taps one gather over the windows'
     * corners; returns the first output left to the general loop. Scalar code was slow here: C2 compiles a float
     * {@code ?:} to a branch, mispredicted half the time on real feature maps, and a window loop of unknown size to
     * a loop (the general loop took 9 ms for [128, 32, 24, 24]; Intel Xeon, one thread).
     */
    private static int pairs(float[] in, int[] corners, int w, boolean max, float[] out, byte[] taps, int tapsAt) {
        int o = 0;
        for (int end = S.loopBound(corners.length); o < end; o += S.length()) {
            FloatVector a = FloatVector.fromArray(S, in, 0, corners, o);
            FloatVector b = FloatVector.fromArray(S, in, 1, corners, o);
            FloatVector c = FloatVector.fromArray(S, in, w, corners, o);
            FloatVector d = FloatVector.fromArray(S, in, w + 1, corners, o);
            if (!max) {
                a.add(b).add(c).add(d).div(4).intoArray(out, o);
                continue;
            }
            FloatVector m = a.max(b).max(c.max(d));
            m.intoArray(out, o);
            if (taps != null) {
                IntVector tap = TAP[3].blend(TAP[2], c.eq(m).cast(I)).blend(TAP[1], b.eq(m).cast(I))
                        .blend(TAP[0], a.eq(m).cast(I));
                tap.convertShape(VectorOperators.I2B, B, 0).reinterpretAsBytes().intoArray(taps, tapsAt + o);
            }
        }
        return o;
    }

    /**
     * The input gradient into {@code dx} for output gradient {@code dy}: each output's gradient to the tap
     * {@code taps} names (max), or spread evenly over its window (mean); 0 where no window reads an input.
     */
    static void backward(INDArray dy, Shape s, boolean max, byte[] taps, INDArray dx) {
        FloatBuffer gf = dy.data().asNioFloat();
        FloatBuffer df = dx.data().asNioFloat();
        int[] corners = s.corners();
        // every input is written when the windows tile the plane; else some are read by none and stay 0. Max only:
        // the same vector scattered to the four taps, as the mean's gradient would be, lost some of its stores
        // once C2 had compiled the loop (JDK 17.0.15; a quarter of a gradient left from the plane before).
        boolean tiled = max && s.pairs() && 2 * s.oh() == s.h() && 2 * s.ow() == s.w();
        FloatMath.split((int) (dx.size(0) * dx.size(1)), dx.length(), (from, to) -> {
            int inPlane = s.h() * s.w();
            int outPlane = s.oh() * s.ow();
            float[] g = new float[outPlane];
            float[] d = new float[inPlane];
            float share = 1f / s.taps();
            for (int p = from; p < to; p++) {
                gf.get(p * outPlane, g, 0, outPlane);
                int o = tiled ? pairsBackward(g, corners, s.w(), taps, p * outPlane, d) : 0;
                // the general loop adds into its windows: clear them first (all of the plane, unless tiled)
                if (!tiled) {
                    Arrays.fill(d, 0);
                } else {
                    for (int r = o; r < outPlane; r++) {
                        for (int ky = 0; ky < 2; ky++) {
                            d[corners[r] + ky * s.w()] = 0;
                            d[corners[r] + ky * s.w() + 1] = 0;
                        }
                    }
                }
                for (; o < outPlane; o++) {
                    int corner = corners[o];
                    if (max) {
                        int tap = taps[p * outPlane + o] & 0xFF;
                        d[corner + tap / s.kW() * s.w() + tap % s.kW()] += g[o];
                    } else {
                        for (int ky = 0; ky < s.kH(); ky++) {
                            for (int kx = 0; kx < s.kW(); kx++) {
                                d[corner + ky * s.w() + kx] += g[o] * share;
                            }
                        }
                    }
                }
                df.put(p * inPlane, d, 0, inPlane);
            }
        });
    }

    /**
     * Max pooling's 2x2 windows of stride 2 that tile the plane, a vector of outputs at a time: each tap's gradient
     * (the output's where the tap holds the maximum, else 0) scattered into its place, so every input of the
     * vector's windows is written and none needs clearing first. Returns the first output left to the general loop.
     */
    private static int pairsBackward(float[] g, int[] corners, int w, byte[] taps, int tapsAt, float[] d) {
        int[] offsets = {0, 1, w, w + 1};
        int o = 0;
        for (int end = S.loopBound(corners.length); o < end; o += S.length()) {
            FloatVector grad = FloatVector.fromArray(S, g, o);
            IntVector tap = (IntVector) ByteVector.fromArray(B, taps, tapsAt + o)
                    .convertShape(VectorOperators.B2I, I, 0);
            for (int t = 0; t < 4; t++) {
                ZERO.blend(grad, tap.eq(TAP[t]).cast(S)).intoArray(d, offsets[t], corners, o);
            }
        }
        return o;
    }
}
