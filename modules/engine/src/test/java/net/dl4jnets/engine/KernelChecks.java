package net.dl4jnets.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Supplier;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** What the kernel tests share: seeded data, the proof that a kernel's own pass ran, per-block comparison, layouts. */
public final class KernelChecks {
    private KernelChecks() {}

    /**
     * ND4J with {@code threads} threads, for the kernels' tests (which sit below the suite's start-up code), with
     * oneDNN on as that code turns it on for convolutions (the module's surefire settings allow DL4J's helpers).
     */
    public static void start(int threads) {
        org.nd4j.nativeblas.Nd4jCpu.Environment.getInstance().setUseMKLDNN(true);
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
    }

    /** The network of {@code conf}, initialised. */
    public static ComputationGraph net(ComputationGraphConfiguration conf) {
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    /** Uniform values in [lo, hi) from a fixed seed, 'c' order. */
    public static INDArray uniform(long seed, DataType type, double lo, double hi, long... shape) {
        Random r = new Random(seed);
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        double[] v = new double[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            v[i] = lo + (hi - lo) * r.nextDouble();
        }
        return Nd4j.create(v, shape, 'c').castTo(type);
    }

    /** Runs {@code body} and fails unless {@code kernel}'s own direct pass ran inside it: no silent fallback. */
    public static <T> T ran(Class<?> kernel, Supplier<T> body) {
        long before = Engine.passes(kernel);
        T result = body.get();
        assertTrue(Engine.passes(kernel) > before, kernel.getSimpleName() + "'s own pass did not run");
        return result;
    }

    public static void ran(Class<?> kernel, Runnable body) {
        ran(kernel, () -> {
            body.run();
            return null;
        });
    }

    /** The graph's gradient after one computeGradientAndScore on (x, y), each block copied, by parameter name. */
    public static Map<String, INDArray> gradient(ComputationGraph g, INDArray x, INDArray y, long dropoutSeed) {
        g.setInputs(x);
        g.setLabels(y);
        Nd4j.getRandom().setSeed(dropoutSeed);
        g.computeGradientAndScore();
        Map<String, INDArray> copy = new TreeMap<>();
        g.gradient().gradientForVariable().forEach((k, v) -> copy.put(k, v.dup()));
        return copy;
    }

    /**
     * Each block against its own scale: max |a − b| ≤ relative · max |a|, plus 10⁻⁶ of the largest value of all the
     * blocks: a block whose true gradient is 0 (the attention keys' bias, a bias before batch norm) holds float
     * rounding only, and is judged against the network's scale.
     */
    public static void assertBlocksClose(Map<String, INDArray> expected, Map<String, INDArray> actual, double relative,
                                         String what) {
        assertEquals(expected.keySet(), actual.keySet(), what);
        double largest = expected.values().stream().mapToDouble(a -> a.amaxNumber().doubleValue()).max().orElse(0);
        for (String k : expected.keySet()) {
            INDArray a = expected.get(k);
            INDArray b = actual.get(k);
            assertArrayEquals(a.shape(), b.shape(), what + " " + k);
            double scale = a.amaxNumber().doubleValue();
            double diff = a.castTo(DataType.DOUBLE).sub(b.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
            assertTrue(diff <= relative * scale + 1e-6 * largest + 1e-12, what + ": block " + k + " differs by " + diff + " at scale "
                    + scale);
        }
    }

    /**
     * The same values in the layouts a kernel meets in use: 'c' order, 'f' order, and a view at an offset inside a
     * larger array (rows 1..n of n + 2).
     */
    public static List<INDArray> layouts(INDArray x) {
        long[] bigShape = x.shape().clone();
        bigShape[0] += 2;
        INDArray big = Nd4j.zeros(x.dataType(), bigShape);
        INDArrayIndex[] rows = new INDArrayIndex[x.rank()];
        rows[0] = NDArrayIndex.interval(1, x.size(0) + 1);
        for (int d = 1; d < rows.length; d++) {
            rows[d] = NDArrayIndex.all();
        }
        INDArray view = big.get(rows);
        view.assign(x);
        assertTrue(view.offset() > 0, "the view starts at an offset");
        return List.of(x.dup('c'), x.dup('f'), view);
    }

    /** Equal shapes, values within float's rounding (relative 1e-5, absolute 1e-5 near zero). */
    public static void assertClose(INDArray expected, INDArray actual) {
        assertArrayEquals(expected.shape(), actual.shape());
        expected = expected.dup('c'); // so that one index means one element in both
        actual = actual.dup('c');
        for (long i = 0; i < expected.length(); i++) {
            double e = expected.getDouble(i);
            double a = actual.getDouble(i);
            assertEquals(e, a, 1e-5 * Math.max(1, Math.abs(e)), "element " + i);
        }
    }
}
