package net.dl4jnets.engine;

import static net.dl4jnets.engine.FloatMath.ORDER;
import static net.dl4jnets.engine.FloatMath.S;
import static net.dl4jnets.engine.FloatMath.bytes;

import java.nio.ByteBuffer;

import jdk.incubator.vector.FloatVector;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A token projection rows·W + b of a few rows in one Java pass: what a transformer computes for one image or one
 * window of text. There ND4J's product and its bias addition cost more in calls than in arithmetic (about 20 µs each
 * for the vision transformer's 16 × 64 × 64 products, half its 4.3-ms forward pass at batch 1); a training batch's
 * products ({@value #MAX_MULTIPLY_ADDS} multiply-adds and over) stay with ND4J's GEMM.
 */
final class SmallProjection {
    private SmallProjection() {}

    /** The largest product, in multiply-adds, computed here. */
    static final long MAX_MULTIPLY_ADDS = 1 << 19;

    /**
     * Whether {@link #project} takes rows·W: float, on the fast engine, small, and W in row order where it lies (a
     * copy of DL4J's 'f'-order dense weights on every call cost more than the pass saves: the MLP at batch 1 took
     * 2.4 ms against 0.28, compare --quick).
     */
    static boolean usable(INDArray rows, INDArray w) {
        return Engine.active(rows.dataType()) && w.dataType() == DataType.FLOAT && w.ordering() == 'c'
                && FloatMath.inRowOrder(w) && rows.size(0) * w.size(0) * w.size(1) <= MAX_MULTIPLY_ADDS;
    }

    /** rows·W + b ({@code b} may be null), a new {@code [rows, nOut]} array in the current workspace. */
    static INDArray project(INDArray rows, INDArray w, INDArray b) {
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, rows.size(0), w.size(1));
        into(rows, w, b, y);
        return y;
    }

    /** rows·W + b ({@code b} may be null) written into {@code y}, a contiguous {@code [rows, nOut]} float array. */
    static void into(INDArray rows, INDArray w, INDArray b, INDArray y) {
        if (!FloatMath.isContiguous(y) || y.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("a small projection writes a contiguous float array");
        }
        rows = FloatMath.rowOrder(rows);
        w = FloatMath.rowOrder(w);
        int m = (int) rows.size(0), k = (int) rows.size(1), n = (int) w.size(1);
        Engine.direct(SmallProjection.class);
        ByteBuffer x = bytes(rows), wb = bytes(w), out = bytes(y);
        long xAt = 4 * rows.offset(), wAt = 4 * w.offset();
        INDArray bc = b == null ? null : FloatMath.rowOrder(b);
        ByteBuffer bias = bc == null ? null : bytes(bc);
        long bAt = bc == null ? 0 : 4 * bc.offset();
        int l = S.length();
        for (int r = 0; r < m; r++) {
            int row = (int) (xAt + 4L * r * k);
            int j = 0;
            // four output vectors at a time accumulate over the row's k inputs in registers, reading W's rows in
            // order: four independent chains of multiply-adds, where a single chain waited on each add
            for (; j + 4 * l <= n; j += 4 * l) {
                FloatVector a0 = start(bias, bAt, j), a1 = start(bias, bAt, j + l), a2 = start(bias, bAt, j + 2 * l),
                        a3 = start(bias, bAt, j + 3 * l);
                for (int i = 0; i < k; i++) {
                    FloatVector xi = FloatVector.broadcast(S, x.getFloat(row + 4 * i));
                    int at = (int) (wAt + 4L * ((long) i * n + j));
                    a0 = FloatVector.fromByteBuffer(S, wb, at, ORDER).fma(xi, a0);
                    a1 = FloatVector.fromByteBuffer(S, wb, at + 4 * l, ORDER).fma(xi, a1);
                    a2 = FloatVector.fromByteBuffer(S, wb, at + 8 * l, ORDER).fma(xi, a2);
                    a3 = FloatVector.fromByteBuffer(S, wb, at + 12 * l, ORDER).fma(xi, a3);
                }
                int to = 4 * (r * n + j);
                a0.intoByteBuffer(out, to, ORDER);
                a1.intoByteBuffer(out, to + 4 * l, ORDER);
                a2.intoByteBuffer(out, to + 8 * l, ORDER);
                a3.intoByteBuffer(out, to + 12 * l, ORDER);
            }
            for (; j + l <= n; j += l) {
                FloatVector acc = start(bias, bAt, j);
                for (int i = 0; i < k; i++) {
                    FloatVector wi = FloatVector.fromByteBuffer(S, wb, (int) (wAt + 4L * ((long) i * n + j)), ORDER);
                    acc = wi.fma(FloatVector.broadcast(S, x.getFloat(row + 4 * i)), acc);
                }
                acc.intoByteBuffer(out, 4 * (r * n + j), ORDER);
            }
            for (; j < n; j++) {
                float acc = bias == null ? 0 : bias.getFloat((int) (bAt + 4L * j));
                for (int i = 0; i < k; i++) {
                    acc = Math.fma(x.getFloat(row + 4 * i), wb.getFloat((int) (wAt + 4L * ((long) i * n + j))), acc);
                }
                out.putFloat(4 * (r * n + j), acc);
            }
        }
    }

    /** The bias's vector at output {@code j}, or zeros. */
    private static FloatVector start(ByteBuffer bias, long bAt, int j) {
        return bias == null ? FloatVector.zero(S) : FloatVector.fromByteBuffer(S, bias, (int) (bAt + 4L * j), ORDER);
    }
}
