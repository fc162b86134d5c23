package net.dl4jnets.engine;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.stream.IntStream;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link InputConvolution}'s products over its patches (taps × n·h·w, the taps in the tens), as Java vector loops. The
 * forward pass: oneDNN's convolution for one input channel took 1.2 ms of cnn2's step, and the reorders of its output
 * into its blocked layout and back 2.8 more (DNNL_VERBOSE, Intel Xeon, 2 threads). The weight gradient: the product is
 * [out channels × n·h·w] times [n·h·w × taps] with n·h·w in the tens of thousands and the other two sides in the tens,
 * a shape OpenBLAS runs at a fifth of its speed (2.3 ms for the reference CNN, plus 1.2 for ND4J's bias sum). Example
 * by example, both operands of one example sit in the core's cache.
 */
final class FloatInputConv {
    private FloatInputConv() {}

    private static final VectorSpecies<Float> S = FloatMath.S;

    /**
     * z[e][o][p] = b[o] + Σ over taps k of w[o][k]·patches[k][e][p], into {@code z}, 'c'-order float
     * [n, out, positions...] at offset 0; four output channels at a time, so each patch vector loaded serves four
     * multiply-adds. Examples split over ND4J's threads.
     */
    static void forward(float[] patches, int taps, float[] w, float[] b, int n, int out, int positions, INDArray z) {
        FloatBuffer zf = z.data().asNioFloat();
        int row = n * positions; // one tap's patches
        int lanes = S.length();
        int block = 2 * lanes;
        // the weights broadcast once, a vector per (channel, tap): a load in the loop instead of a broadcast
        float[] wide = new float[w.length * lanes];
        for (int i = 0; i < w.length; i++) {
            Arrays.fill(wide, i * lanes, (i + 1) * lanes, w[i]);
        }
        FloatMath.split(n, z.length(), (from, to) -> {
            float[] maps = new float[out * positions];
            for (int e = from; e < to; e++) {
                int at = e * positions;
                for (int o = 0; o < out; o += 4) {
                    // a block past the last channel repeats it, and is not written twice
                    int o1 = Math.min(o + 1, out - 1);
                    int o2 = Math.min(o + 2, out - 1);
                    int o3 = Math.min(o + 3, out - 1);
                    int p = 0;
                    // two vectors of positions by four channels: eight sums in flight, six loads for eight products;
                    // the last block overlaps the one before and computes its shared positions again, to the bit
                    for (int start = 0; positions >= block && start < positions; start += block) {
                        int q = Math.min(start, positions - block);
                        FloatVector z0 = FloatVector.broadcast(S, b[o]), y0 = z0;
                        FloatVector z1 = FloatVector.broadcast(S, b[o1]), y1 = z1;
                        FloatVector z2 = FloatVector.broadcast(S, b[o2]), y2 = z2;
                        FloatVector z3 = FloatVector.broadcast(S, b[o3]), y3 = z3;
                        for (int k = 0; k < taps; k++) {
                            FloatVector x = FloatVector.fromArray(S, patches, k * row + at + q);
                            FloatVector x2 = FloatVector.fromArray(S, patches, k * row + at + q + lanes);
                            FloatVector w0 = FloatVector.fromArray(S, wide, (o * taps + k) * lanes);
                            FloatVector w1 = FloatVector.fromArray(S, wide, (o1 * taps + k) * lanes);
                            FloatVector w2 = FloatVector.fromArray(S, wide, (o2 * taps + k) * lanes);
                            FloatVector w3 = FloatVector.fromArray(S, wide, (o3 * taps + k) * lanes);
                            z0 = x.fma(w0, z0);
                            z1 = x.fma(w1, z1);
                            z2 = x.fma(w2, z2);
                            z3 = x.fma(w3, z3);
                            y0 = x2.fma(w0, y0);
                            y1 = x2.fma(w1, y1);
                            y2 = x2.fma(w2, y2);
                            y3 = x2.fma(w3, y3);
                        }
                        z0.intoArray(maps, o * positions + q);
                        z1.intoArray(maps, o1 * positions + q);
                        z2.intoArray(maps, o2 * positions + q);
                        z3.intoArray(maps, o3 * positions + q);
                        y0.intoArray(maps, o * positions + q + lanes);
                        y1.intoArray(maps, o1 * positions + q + lanes);
                        y2.intoArray(maps, o2 * positions + q + lanes);
                        y3.intoArray(maps, o3 * positions + q + lanes);
                        p = positions;
                    }
                    // maps of fewer positions than a block: one position at a time
                    for (; p < positions; p++) {
                        for (int c = o; c < Math.min(o + 4, out); c++) {
                            float sum = b[c];
                            for (int k = 0; k < taps; k++) {
                                sum = Math.fma(patches[k * row + at + p], w[c * taps + k], sum);
                            }
                            maps[c * positions + p] = sum;
                        }
                    }
                }
                zf.put(e * out * positions, maps, 0, out * positions);
            }
        });
    }

    /**
     * dW[o][k] = Σ over examples e and positions p of δ[e][o][p]·patches[k][e][p], and dB[o] = Σ δ[e][o][p].
     *
     * @param delta   'c'-order float [n, out, positions] at offset 0
     * @param patches [taps][n][positions], as {@link InputConvolution#tapMajorPatches} lays them out
     * @return {dW as [out][taps] flattened, dB}
     */
    static float[][] gradients(INDArray delta, float[] patches, int taps) {
        int n = (int) delta.size(0);
        int out = (int) delta.size(1);
        int positions = (int) delta.size(2);
        ByteBuffer d = FloatMath.bytes(delta);
        int threads = FloatMath.threads(n);
        float[][][] parts = new float[threads][][];
        IntStream.range(0, threads).parallel().forEach(t -> parts[t] = range(d, patches, n * t / threads,
                n * (t + 1) / threads, n, out, taps, positions));
        float[] dW = parts[0][0];
        float[] dB = parts[0][1];
        for (int t = 1; t < threads; t++) {
            for (int i = 0; i < dW.length; i++) {
                dW[i] += parts[t][0][i];
            }
            for (int i = 0; i < dB.length; i++) {
                dB[i] += parts[t][1][i];
            }
        }
        return new float[][] {dW, dB};
    }

    /** The sums over examples [from, to), in double per example and channel pair, returned in float. */
    private static float[][] range(ByteBuffer d, float[] patches, int from, int to, int n, int out, int taps,
                                   int positions) {
        double[] w = new double[out * taps];
        double[] b = new double[out];
        int bound = S.loopBound(positions);
        int lanes = S.length();
        for (int e = from; e < to; e++) {
            for (int o = 0; o < out; o++) {
                int dRow = 4 * (e * out + o) * positions;
                FloatVector sum = FloatVector.zero(S);
                int p = 0;
                for (; p < bound; p += lanes) {
                    sum = sum.add(FloatVector.fromByteBuffer(S, d, dRow + 4 * p, FloatMath.ORDER));
                }
                float s = sum.reduceLanes(VectorOperators.ADD);
                for (; p < positions; p++) {
                    s += d.getFloat(dRow + 4 * p);
                }
                b[o] += s;
            }
            // 2 output channels × 4 taps at a time: 8 accumulators, 6 loads per 8 multiply-adds
            for (int o = 0; o < out; o += 2) {
                int o2 = Math.min(o + 1, out - 1);
                int d0 = 4 * (e * out + o) * positions;
                int d1 = 4 * (e * out + o2) * positions;
                for (int k = 0; k < taps; k += 4) {
                    int[] ks = {k, Math.min(k + 1, taps - 1), Math.min(k + 2, taps - 1), Math.min(k + 3, taps - 1)};
                    int c0 = (ks[0] * n + e) * positions;
                    int c1 = (ks[1] * n + e) * positions;
                    int c2 = (ks[2] * n + e) * positions;
                    int c3 = (ks[3] * n + e) * positions;
                    FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a03 = a00;
                    FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
                    int p = 0;
                    for (; p < bound; p += lanes) {
                        FloatVector x0 = FloatVector.fromByteBuffer(S, d, d0 + 4 * p, FloatMath.ORDER);
                        FloatVector x1 = FloatVector.fromByteBuffer(S, d, d1 + 4 * p, FloatMath.ORDER);
                        FloatVector y0 = FloatVector.fromArray(S, patches, c0 + p);
                        FloatVector y1 = FloatVector.fromArray(S, patches, c1 + p);
                        FloatVector y2 = FloatVector.fromArray(S, patches, c2 + p);
                        FloatVector y3 = FloatVector.fromArray(S, patches, c3 + p);
                        a00 = x0.fma(y0, a00);
                        a01 = x0.fma(y1, a01);
                        a02 = x0.fma(y2, a02);
                        a03 = x0.fma(y3, a03);
                        a10 = x1.fma(y0, a10);
                        a11 = x1.fma(y1, a11);
                        a12 = x1.fma(y2, a12);
                        a13 = x1.fma(y3, a13);
                    }
                    float[] acc = {a00.reduceLanes(VectorOperators.ADD), a01.reduceLanes(VectorOperators.ADD),
                            a02.reduceLanes(VectorOperators.ADD), a03.reduceLanes(VectorOperators.ADD),
                            a10.reduceLanes(VectorOperators.ADD), a11.reduceLanes(VectorOperators.ADD),
                            a12.reduceLanes(VectorOperators.ADD), a13.reduceLanes(VectorOperators.ADD)};
                    for (; p < positions; p++) {
                        float x0 = d.getFloat(d0 + 4 * p);
                        float x1 = d.getFloat(d1 + 4 * p);
                        for (int j = 0; j < 4; j++) {
                            float y = patches[(ks[j] * n + e) * positions + p];
                            acc[j] += x0 * y;
                            acc[4 + j] += x1 * y;
                        }
                    }
                    // lanes clamped to the last tap or channel were computed twice: kept once
                    for (int j = 0; j < 4; j++) {
                        if (k + j < taps) {
                            w[o * taps + k + j] += acc[j];
                            if (o + 1 < out) {
                                w[(o + 1) * taps + k + j] += acc[4 + j];
                            }
                        }
                    }
                }
            }
        }
        float[] wf = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            wf[i] = (float) w[i];
        }
        float[] bf = new float[b.length];
        for (int i = 0; i < b.length; i++) {
            bf[i] = (float) b[i];
        }
        return new float[][] {wf, bf};
    }
}
