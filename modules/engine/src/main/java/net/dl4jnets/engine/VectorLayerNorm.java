package net.dl4jnets.engine;

import static net.dl4jnets.engine.FloatMath.S;
import static net.dl4jnets.engine.FloatMath.contiguous;

import java.nio.FloatBuffer;
import java.util.Map;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import net.dl4jnets.layers.LayerNorm;

/**
 * The suite's {@link LayerNorm}, the same configuration, parameters and maths, each pass one walk over the tokens in
 * Java: ND4J's forward is eight operations (two means, a power, broadcasts and copies) and its backward ten, each a
 * call whose cost, for a transformer's rows of 64 to 384 channels, is more than its arithmetic; at batch 1 the vision
 * transformer's eight layer norms were a third of its forward pass. The gain's and bias's gradients are summed over
 * the rows in order, so a run repeats bit for bit.
 */
public class VectorLayerNorm extends LayerNorm implements Kernel {
    /** For JSON. */
    public VectorLayerNorm() {}

    /** The layer {@code built} describes, computed by the engine's passes. */
    public static VectorLayerNorm of(LayerNorm built) {
        return Configs.as(built, VectorLayerNorm.class);
    }

    private static boolean usable(INDArray x) {
        return Engine.active(x.dataType()) && x.length() < Integer.MAX_VALUE;
    }

    @Override
    public INDArray forward(INDArray x, Map<String, INDArray> p, Map<String, INDArray> saved) {
        if (!usable(x)) {
            return super.forward(x, p, saved);
        }
        int c = (int) nIn, rows = (int) (x.length() / c);
        INDArray in = contiguous(x);
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, x.shape());
        INDArray normalised = Nd4j.createUninitialized(DataType.FLOAT, rows, c);
        INDArray rstd = Nd4j.createUninitialized(DataType.FLOAT, rows, 1);
        Engine.direct(VectorLayerNorm.class);
        float[] gain = FloatMath.read(FloatMath.rowOrder(p.get("gain"))),
                bias = FloatMath.read(FloatMath.rowOrder(p.get("bias")));
        FloatBuffer xs = floats(in), ys = floats(y), ns = floats(normalised), rs = floats(rstd);
        float[] row = new float[c];
        float[] out = new float[c];
        for (int r = 0; r < rows; r++) {
            xs.get(r * c, row);
            float mean = sum(row, null) / c;
            float variance = 0;
            for (int i = 0; i < c; i++) {
                row[i] -= mean;
                variance += row[i] * row[i];
            }
            float s = (float) (1 / Math.sqrt(variance / c + EPSILON));
            int i = 0;
            for (int end = S.loopBound(c); i < end; i += S.length()) {
                FloatVector n = FloatVector.fromArray(S, row, i).mul(s);
                n.intoArray(row, i);
                n.fma(FloatVector.fromArray(S, gain, i), FloatVector.fromArray(S, bias, i)).intoArray(out, i);
            }
            for (; i < c; i++) {
                row[i] *= s;
                out[i] = Math.fma(row[i], gain[i], bias[i]);
            }
            ns.put(r * c, row);
            ys.put(r * c, out);
            rs.put(r, s);
        }
        saved.put("normalised", normalised);
        saved.put("rstd", rstd);
        return y;
    }

    @Override
    public INDArray backward(INDArray dy, INDArray x, Map<String, INDArray> p, Map<String, INDArray> grads,
                             Map<String, INDArray> saved) {
        if (!usable(dy)) {
            return super.backward(dy, x, p, grads, saved);
        }
        int c = (int) nIn, rows = (int) (dy.length() / c);
        INDArray d = contiguous(dy);
        INDArray normalised = contiguous(saved.get("normalised")), rstd = contiguous(saved.get("rstd"));
        INDArray dx = Nd4j.createUninitialized(DataType.FLOAT, x.shape());
        Engine.direct(VectorLayerNorm.class);
        float[] gain = FloatMath.read(FloatMath.rowOrder(p.get("gain")));
        float[] gainGrad = new float[c], biasGrad = new float[c];
        FloatBuffer ds = floats(d), ns = floats(normalised), rs = floats(rstd), out = floats(dx);
        float[] g = new float[c], n = new float[c];
        for (int r = 0; r < rows; r++) {
            ds.get(r * c, g);
            ns.get(r * c, n);
            // dx = (g − mean(g) − x̂·mean(g·x̂))·σ⁻¹ with g = dy·gain, as LayerNorm.backward
            for (int i = 0; i < c; i++) {
                gainGrad[i] += g[i] * n[i];
                biasGrad[i] += g[i];
                g[i] *= gain[i];
            }
            float meanG = sum(g, null) / c, along = sum(g, n) / c, s = rs.get(r);
            for (int i = 0; i < c; i++) {
                g[i] = (g[i] - meanG - n[i] * along) * s;
            }
            out.put(r * c, g);
        }
        FloatMath.write(grads.get("gain"), gainGrad);
        FloatMath.write(grads.get("bias"), biasGrad);
        return dx;
    }

    /** Σ a (times b where b is not null), in vector lanes, then across them. */
    private static float sum(float[] a, float[] b) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (int end = S.loopBound(a.length); i < end; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, a, i);
            acc = b == null ? acc.add(v) : v.fma(FloatVector.fromArray(S, b, i), acc);
        }
        float total = acc.reduceLanes(VectorOperators.ADD);
        for (; i < a.length; i++) {
            total += b == null ? a[i] : a[i] * b[i];
        }
        return total;
    }

    /** The array's elements from its first, as floats. */
    private static FloatBuffer floats(INDArray a) {
        return a.data().asNioFloat().position((int) a.offset()).slice();
    }
}
