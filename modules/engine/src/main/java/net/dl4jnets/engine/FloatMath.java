package net.dl4jnets.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.stream.IntStream;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Element-wise functions on float vectors of the JDK's Vector API, for the layers' fused passes (16 floats at a time
 * with AVX-512, 8 with AVX2), and direct access to ND4J's float memory for them, which {@link Engine#direct} allows
 * on the CPU backend only.
 * Only after {@link VectorApi#PRESENT}: without the module this class must not even be initialised.
 */
public final class FloatMath {
    private FloatMath() {}

    public static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** The byte order of ND4J's buffers, for {@code FloatVector.fromByteBuffer} and {@code intoByteBuffer}. */
    public static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final FloatVector ONE = FloatVector.broadcast(S, 1);

    private static final FloatVector LOW = FloatVector.broadcast(S, -87f), HIGH = FloatVector.broadcast(S, 88f),
            LOG2E = FloatVector.broadcast(S, 1.44269504088896341f), ROUND = FloatVector.broadcast(S, 12582912f),
            MINUS_LN2_HI = FloatVector.broadcast(S, -0.693359375f),
            MINUS_LN2_LO = FloatVector.broadcast(S, 2.12194440e-4f),
            P0 = FloatVector.broadcast(S, 1.9875691500e-4f), P1 = FloatVector.broadcast(S, 1.3981999507e-3f),
            P2 = FloatVector.broadcast(S, 8.3334519073e-3f), P3 = FloatVector.broadcast(S, 4.1665795894e-2f),
            P4 = FloatVector.broadcast(S, 1.6666665459e-1f), P5 = FloatVector.broadcast(S, 5.0000001201e-1f);

    /**
     * e^x in float to about 2 ulp, from additions and multiplications only (Cephes' expf: x = k·ln 2 + r, e^r by a
     * polynomial, 2^k written into the exponent bits); clamped to [−87, 88], so never infinite or zero. Not the
     * Vector API's {@code lanewise(EXP)}: that is computed one way before the JIT compiles its caller and another
     * after, with different last bits, so runs with one seed did not repeat themselves.
     */
    public static FloatVector exp(FloatVector x) {
        x = x.max(LOW).min(HIGH);
        // Adding 1.5·2^23 rounds x·log2(e) to the nearest integer k and leaves k in the low bits of t.
        FloatVector t = x.fma(LOG2E, ROUND);
        FloatVector k = t.sub(ROUND);
        FloatVector r = k.fma(MINUS_LN2_LO, k.fma(MINUS_LN2_HI, x)); // x - k·ln 2 in two parts
        FloatVector p = P0.fma(r, P1).fma(r, P2).fma(r, P3).fma(r, P4).fma(r, P5);
        FloatVector er = p.fma(r.mul(r), r).add(ONE);
        FloatVector twoK = ((IntVector) t.reinterpretAsInts()).sub(0x4B400000 - 127).lanewise(VectorOperators.LSHL, 23)
                .reinterpretAsFloats();
        return er.mul(twoK);
    }

    /** 1 / (1 + e^−x). */
    public static FloatVector sigmoid(FloatVector x) {
        return ONE.div(exp(x.neg()).add(ONE));
    }

    /**
     * How many threads a Java pass of {@code parts} independent parts may use: ND4J's master-thread limit, which the
     * suite's start-up sets with the other (libnd4j 1.0.0-M2.1 ignores a request for fewer than two "max threads"
     * and reports two, so a run asked for one thread would take two), at most one a part and one a core.
     */
    static int threads(int parts) {
        return Math.max(1, Math.min(Nd4j.getEnvironment().maxMasterThreads(),
                Math.min(parts, Runtime.getRuntime().availableProcessors())));
    }

    /** A pass over parts [from, to) of some work. */
    interface Parts {
        void run(int from, int to);
    }

    /** Elements below which a pass stays on one thread: one image's maps (18,432 floats for cnn2's first pooling). */
    static final long MIN_SPLIT = 1 << 18;

    /**
     * {@code pass} over {@code parts} independent parts of {@code elements} in all, in as many ranges as
     * {@link #threads} allows when there is work for them (a batch's feature maps; one image's stay on the calling
     * thread). Each part is computed whole on one thread, so the result is the same bits on any number of threads.
     */
    static void split(int parts, long elements, Parts pass) {
        int threads = elements < MIN_SPLIT ? 1 : threads(parts);
        if (threads == 1) {
            pass.run(0, parts);
            return;
        }
        IntStream.range(0, threads).parallel().forEach(t -> pass.run((int) ((long) parts * t / threads),
                (int) ((long) parts * (t + 1) / threads)));
    }

    /** Whether the array's elements lie in row order from the start of its buffer. */
    public static boolean isContiguous(INDArray a) {
        return a.ordering() == 'c' && a.offset() == 0 && inRowOrder(a);
    }

    /** The array itself if {@link #isContiguous}, else such a copy. */
    public static INDArray contiguous(INDArray a) {
        return isContiguous(a) ? a : a.dup('c');
    }

    /**
     * The array itself if its elements lie in row order from its offset (a layer's parameter view into DL4J's flat
     * array does), else such a copy: for passes that read from {@code a.offset()}, a copy of the weights on every
     * call being an ND4J operation of its own.
     */
    public static INDArray rowOrder(INDArray a) {
        return a.ordering() == 'c' && inRowOrder(a) ? a : a.dup('c');
    }

    /**
     * Whether the strides put the elements one after the other in row order from the array's offset. The stride of
     * a dimension of size 1 is never used, and ND4J's own test ({@code Shape.hasDefaultStridesForShape}) wants it to
     * be 1: DL4J's bias and layer-norm views, {@code [1, n]} with strides {@code [n, 1]}, failed it and were copied on
     * every call (seen in a JFR profile of the vision transformer at batch 1; the time saved was within the noise).
     */
    static boolean inRowOrder(INDArray a) {
        long[] shape = a.shape(), stride = a.stride();
        long step = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && stride[i] != step) {
                return false;
            }
            step *= shape[i];
        }
        return true;
    }

    /** The elements of a float array whose elements lie one after the other in its buffer (a view at an offset too). */
    public static float[] read(INDArray a) {
        Engine.requireActive(FloatMath.class);
        float[] f = new float[(int) a.length()];
        a.data().asNioFloat().get((int) a.offset(), f, 0, f.length);
        return f;
    }

    /** Writes {@code values} into such an array. */
    public static void write(INDArray a, float[] values) {
        Engine.requireActive(FloatMath.class);
        a.data().asNioFloat().put((int) a.offset(), values, 0, (int) a.length());
    }

    /** The memory of an array that is {@link #contiguous}, element i at byte 4·i, in {@link #ORDER}. */
    public static ByteBuffer bytes(INDArray a) {
        Engine.requireActive(FloatMath.class);
        return a.data().asNio().order(ORDER);
    }
}
