package net.dl4jnets.engine;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.samediff.AbstractSameDiffLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.nativeblas.NativeOps;
import org.nd4j.nativeblas.NativeOpsHolder;

import net.dl4jnets.layers.LayerNorm;
import net.dl4jnets.layers.Linear;
import net.dl4jnets.layers.MultiHeadAttention;
import net.dl4jnets.layers.PatchEmbedding;

/**
 * The one door to the suite's fast CPU kernels, as DL4J chooses its own cuDNN and oneDNN helpers: at run time, by
 * backend, under the configuration the model builder wrote in DL4J's own classes (and the suite's {@code layers}).
 * Nothing outside this module decides whether a kernel runs.
 *
 * <p>{@link #plan} takes a configuration and returns the one that runs, with the kernels it uses, or says why it
 * runs stock. A kernel runs when, and only when, the engine asked for is {@link Choice#FAST} ({@code --engine}, or
 * the system property {@value #PROPERTY}), the backend is nd4j-native (CPU), the JVM has the Vector API, the network
 * computes in float and the layer is one the kernel covers (its {@code checkSupported}); anything else runs as
 * written. A kernel's configuration is a subclass of the class it speeds up (DL4J's {@code DenseLayer} runs as
 * {@link SinglePassDense}, {@code Adam} as {@link VectorAdam}, the suite's {@code MultiHeadAttention} as
 * {@link FusedAttention}), made from it through DL4J's own JSON ({@link Configs}), so every setting a builder made
 * carries over. {@link #stock} maps back: every model file is written in the stock classes, so a plain DL4J
 * application loads it. The parameters and updater state have the same layout either way.
 *
 * <p>Every Java pass over ND4J's memory asks {@link #direct} first. On nd4j-cuda a write into the host side of a
 * buffer is not marked as one, so the GPU would compute on stale values; here such a pass cannot run, by
 * construction, and a test makes the door see another backend to prove it.
 */
public final class Engine {
    private Engine() {}

    /** The system property that chooses the engine when no {@code --engine} does: {@code stock} or {@code fast}. */
    public static final String PROPERTY = "nets.engine";

    /** What runs a network: DL4J's own layers, or the suite's CPU kernels underneath the same configuration. */
    public enum Choice {
        /** DL4J's layers and updaters exactly as the model builder wrote them: what any DL4J application runs. */
        STOCK,
        /** The suite's kernels, wherever they apply: CPU backend, Vector API, float. */
        FAST;

        /** "stock" or "fast", or null for any other name. */
        public static Choice named(String name) {
            for (Choice c : values()) {
                if (c.toString().equals(name.trim().toLowerCase(Locale.ROOT))) {
                    return c;
                }
            }
            return null;
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * What runs a configuration: the configuration itself (the kernels swapped in), each layer's kernels by vertex
     * name ("SinglePassDense+VectorRelu"; the updater's under "updater"), and the engine line that says why it runs
     * stock if it does.
     */
    public record Plan(ComputationGraphConfiguration configuration, Map<String, String> kernels, String line) {
        /** The kernels used, each once, by name: what config.json records. */
        public List<String> kernelNames() {
            return kernels.values().stream().flatMap(k -> Arrays.stream(k.split("\\+"))).distinct().sorted().toList();
        }
    }

    static final String CPU_BACKEND = "org.nd4j.linalg.cpu.nativecpu.CpuBackend";

    private static volatile Choice asked = fromProperty();
    /** The backend the door sees instead of ND4J's, for tests of what another backend runs; null: ND4J's. */
    private static volatile String seenBackend;
    private static final Map<Class<?>, LongAdder> PASSES = new ConcurrentHashMap<>();

    private static Choice fromProperty() {
        String p = System.getProperty(PROPERTY);
        Choice c = p == null ? null : Choice.named(p);
        if (p != null && c == null) {
            throw new IllegalArgumentException("-D" + PROPERTY + " must be stock or fast, got '" + p + "'");
        }
        return c == null ? Choice.FAST : c;
    }

    /** The engine asked for (the command line's {@code --engine}; the system property, else fast, unless told). */
    public static void choose(Choice engine) {
        asked = engine;
    }

    /** The engine asked for. */
    public static Choice asked() {
        return asked;
    }

    /**
     * Makes the door see another backend (a class name such as {@code org.nd4j.linalg.jcublas.JCublasBackend}), or
     * ND4J's own again with null: for tests of what runs on a GPU, on a machine without one.
     */
    public static void seeBackend(String backendClassName) {
        seenBackend = backendClassName;
    }

    private static final class NativeBackend {
        static final boolean CPU = CPU_BACKEND.equals(Nd4j.getBackend().getClass().getName());
    }

    /** Whether the backend is nd4j-native, the only one whose memory a Java pass may read and write directly. */
    static boolean cpu() {
        String seen = seenBackend;
        return seen != null ? CPU_BACKEND.equals(seen) : NativeBackend.CPU;
    }

    /** The kernels may run: asked for, on the CPU backend, with the Vector API. (Each kernel also needs float.) */
    static boolean active() {
        return asked == Choice.FAST && VectorApi.PRESENT && cpu();
    }

    /** {@link #active()}, for arrays or a network of this data type: the kernels are float only. */
    static boolean active(DataType type) {
        return type == DataType.FLOAT && active();
    }

    /** The engine that runs float networks, for the backend line and config.json. */
    public static Choice runs() {
        return active() ? Choice.FAST : Choice.STOCK;
    }

    /** "engine: fast (Vector API, 16 floats)" or "engine: stock DL4J", with the reason if fast was asked for. */
    public static String line() {
        if (active()) {
            return "engine: fast (Vector API, " + FloatMath.S.length() + " floats)";
        }
        String why = asked == Choice.STOCK ? "" : !cpu() ? " (the fast engine is for the CPU backend only)"
                : " (no Vector API: java --add-modules jdk.incubator.vector)";
        return "engine: stock DL4J" + why;
    }

    /**
     * Before a Java pass reads or writes ND4J's memory directly: refuses unless the engine is active (a bug, never a
     * user's error), and counts the pass, so that a test can see that a kernel's own code ran.
     */
    static void direct(Class<?> kernel) {
        requireActive(kernel);
        PASSES.computeIfAbsent(kernel, k -> new LongAdder()).increment();
    }

    /**
     * {@link #direct} without the count, for the memory accesses inside a kernel's pass (a few per time step of the
     * LSTM), which its entry has counted already.
     */
    static void requireActive(Class<?> kernel) {
        if (!active()) {
            throw new IllegalStateException(kernel.getSimpleName() + " would read ND4J's memory directly with the "
                    + line() + "; only the fast engine on the CPU backend may");
        }
    }

    /** How many times the kernel pass of this simple class name has run in this JVM (for tests). */
    public static long passes(String kernel) {
        return PASSES.entrySet().stream().filter(e -> e.getKey().getSimpleName().equals(kernel))
                .mapToLong(e -> e.getValue().sum()).sum();
    }

    /** How many direct passes of any kernel have run in this JVM (for tests). */
    public static long passes() {
        return PASSES.values().stream().mapToLong(LongAdder::sum).sum();
    }

    static long passes(Class<?> kernel) {
        LongAdder n = PASSES.get(kernel);
        return n == null ? 0 : n.sum();
    }

    /**
     * What runs {@code conf}: a copy in stock classes, with the kernels swapped in where the engine is active for its
     * data type and a kernel covers the layer. {@code conf} is not changed.
     */
    public static Plan plan(ComputationGraphConfiguration conf) {
        ComputationGraphConfiguration c = stock(conf);
        Map<String, String> used = new TreeMap<>();
        if (!active(c.getDataType())) {
            String line = active() ? "engine: stock DL4J (the fast engine computes in float; this network is "
                    + c.getDataType().toString().toLowerCase(Locale.ROOT) + ")" : line();
            return new Plan(c, used, line);
        }
        for (Map.Entry<String, GraphVertex> e : c.getVertices().entrySet()) {
            if (e.getValue() instanceof LayerVertex v) {
                // a layer whose inputs are all the network's needs no gradient for them: the graph drops it
                boolean readsData = c.getNetworkInputs().containsAll(c.getVertexInputs().get(e.getKey()));
                Layer fast = fast(v.getLayerConf().getLayer(), readsData);
                v.getLayerConf().setLayer(fast);
                kernelsOf(fast, e.getKey(), used);
            }
        }
        return new Plan(c, used, line());
    }

    /** A graph of {@link #plan}'s configuration, not yet initialised. */
    public static ComputationGraph network(ComputationGraphConfiguration conf) {
        return new ComputationGraph(plan(conf).configuration());
    }

    /** {@code conf} in DL4J's own classes only (and the suite's layers, which DL4J lacks). A copy. */
    public static ComputationGraphConfiguration stock(ComputationGraphConfiguration conf) {
        ComputationGraphConfiguration c = copy(conf);
        for (GraphVertex vertex : c.getVertices().values()) {
            if (vertex instanceof LayerVertex v) {
                v.getLayerConf().setLayer(stock(v.getLayerConf().getLayer()));
            }
        }
        return c;
    }

    /** A deep copy, with the iteration and epoch counts that DL4J's {@code clone} leaves at 0 (Adam reads them). */
    static ComputationGraphConfiguration copy(ComputationGraphConfiguration conf) {
        ComputationGraphConfiguration c = conf.clone();
        c.setIterationCount(conf.getIterationCount());
        c.setEpochCount(conf.getEpochCount());
        return c;
    }

    /**
     * The graph that runs {@code saved} (a graph restored from a file): its parameters, shared, and a copy of its
     * updater state, under {@link #plan}'s configuration.
     */
    public static ComputationGraph running(ComputationGraph saved) {
        return rebuild(saved, plan(saved.getConfiguration()).configuration());
    }

    /** {@code net} in stock classes, sharing its parameters, with a copy of its updater state: what a file holds. */
    public static ComputationGraph stock(ComputationGraph net) {
        return rebuild(net, stock(net.getConfiguration()));
    }

    /**
     * A graph of configuration {@code conf} (the same layers, in other classes) sharing {@code net}'s parameters, with
     * a copy of its updater state.
     */
    static ComputationGraph rebuild(ComputationGraph net, ComputationGraphConfiguration conf) {
        ComputationGraph g = new ComputationGraph(conf);
        g.init(net.params(), false);
        if (net.getUpdater(false) != null && net.getUpdater().getStateViewArray() != null) {
            g.getUpdater().getStateViewArray().assign(net.getUpdater().getStateViewArray());
        }
        return g;
    }

    /**
     * A new 'c'-order float array of {@code shape} holding the first elements of {@code values}: on the fast engine
     * copied in one block into native memory, else as a DL4J application makes it ({@link BatchWorkspace}).
     */
    public static INDArray floats(float[] values, long... shape) {
        return BatchWorkspace.floats(values, shape);
    }

    /** {@code batches.next()}, its arrays in a ring of memory on the fast engine ({@link BatchWorkspace}). */
    public static DataSet next(DataSetIterator batches) {
        return BatchWorkspace.next(batches);
    }

    /**
     * Each graph's direct step (empty where it has none), by identity and held weakly: {@code ComputationGraph.equals}
     * compares configurations and parameters, so two playground tabs' fresh networks of the same settings are equal,
     * and a {@code WeakHashMap} would hand one the other's step.
     */
    private static final List<Map.Entry<WeakReference<ComputationGraph>, Optional<DirectStep>>> STEPS =
            new ArrayList<>();

    private static DirectStep step(ComputationGraph graph) {
        synchronized (STEPS) {
            STEPS.removeIf(e -> e.getKey().get() == null);
            for (var e : STEPS) {
                if (e.getKey().get() == graph) {
                    return e.getValue().orElse(null);
                }
            }
            Optional<DirectStep> made = Optional.ofNullable(DirectStep.of(graph));
            STEPS.add(Map.entry(new WeakReference<>(graph), made));
            return made.orElse(null);
        }
    }

    /**
     * One training step, as {@code graph.fit(ds)} takes it: on the fast engine, a chain of dense layers with nothing
     * else inside {@code fit} (the web playground's networks, week 2's MLP) steps without {@code fit}'s per-call
     * machinery ({@link DirectStep}), with {@code fit}'s results; anything else is {@code graph.fit(ds)} itself.
     */
    public static void fit(ComputationGraph graph, DataSet ds) {
        if (active()) {
            DirectStep step = step(graph);
            if (step != null && step.takes(graph, ds)) {
                step.fit(graph, ds);
                return;
            }
        }
        graph.fit(ds);
    }

    /** The largest batch whose forward pass {@link #inference} runs on the calling thread alone. */
    public static final int ONE_THREAD_BATCH = 8;

    /**
     * A forward pass over {@code examples} examples, computed by {@code pass}: on the fast engine a batch of up to
     * {@value #ONE_THREAD_BATCH} runs with the calling thread's OpenMP team cut to that thread, for at that size
     * waking the other cores for each of oneDNN's operations costs more than they save (the modern CNN on 2 threads,
     * 2026-12-07: 2.1 → 1.2 ms at batch 1, 3.7 → 2.4 at 8, level at 16, two threads ahead at 32). The setting is
     * OpenMP's per-thread one, restored after the pass, so training on another thread keeps its cores.
     */
    public static <T> T inference(long examples, Supplier<T> pass) {
        if (examples > ONE_THREAD_BATCH || !active()) {
            return pass.get();
        }
        NativeOps ops = NativeOpsHolder.getInstance().getDeviceNativeOps();
        int team = ops.ompGetMaxThreads();
        if (team <= 1) {
            return pass.get();
        }
        ops.setOmpNumThreads(1);
        try {
            return pass.get();
        } finally {
            ops.setOmpNumThreads(team);
        }
    }

    /** {@code graph.outputSingle(false, features)}, as {@link #inference} runs it. */
    public static INDArray output(ComputationGraph graph, INDArray features) {
        return inference(features.size(0), () -> graph.outputSingle(false, features));
    }

    /** How many batches read after one leave its arrays valid (see {@link #next}). */
    public static final int BATCHES_KEPT = BatchWorkspace.KEPT;

    /** The layer as it runs on the kernels (its activation and updaters too), or itself where none covers it. */
    private static Layer fast(Layer layer, boolean readsData) {
        if (layer instanceof Bidirectional b) {
            // both directions read the same input and their input gradients are added: never skip them. (DL4J's
            // clone of a Bidirectional shares its two layers, so each is copied before it changes.)
            b.setFwd(fast(b.getFwd().clone(), false));
            b.setBwd(fast(b.getBwd().clone(), false));
            return b;
        }
        parts(layer, true);
        // exact classes only: a subclass of a layer is someone else's layer and stays as it is
        Class<?> c = layer.getClass();
        if (c == DenseLayer.class && SinglePassDense.supports((DenseLayer) layer)) {
            SinglePassDense d = SinglePassDense.of((DenseLayer) layer);
            return readsData ? d.readingData() : d;
        }
        if (c == OutputLayer.class && SoftmaxOutput.supports((OutputLayer) layer)) {
            return SoftmaxOutput.of((OutputLayer) layer);
        }
        if (c == ConvolutionLayer.class && readsData) {
            return InputConvolution.of((ConvolutionLayer) layer);
        }
        if (c == BatchNormalization.class) {
            return VectorBatchNorm.of((BatchNormalization) layer);
        }
        if (c == SubsamplingLayer.class) {
            return VectorPooling.of((SubsamplingLayer) layer);
        }
        if (c == ActivationLayer.class && ReluLayer.supports((ActivationLayer) layer)) {
            return ReluLayer.of((ActivationLayer) layer);
        }
        if (c == LSTM.class) {
            FusedLstm lstm = FusedLstm.of((LSTM) layer);
            return readsData ? lstm.readingData() : lstm;
        }
        if (c == MultiHeadAttention.class) {
            return FusedAttention.of((MultiHeadAttention) layer);
        }
        if (c == LayerNorm.class) {
            return VectorLayerNorm.of((LayerNorm) layer);
        }
        if (c == PatchEmbedding.class) {
            return VectorPatchEmbedding.of((PatchEmbedding) layer);
        }
        if (c == Linear.class) {
            VectorLinear l = VectorLinear.of((Linear) layer);
            return readsData ? l.readingData() : l;
        }
        return layer;
    }

    private static Layer stock(Layer layer) {
        if (layer instanceof Bidirectional b) {
            b.setFwd(stock(b.getFwd().clone()));
            b.setBwd(stock(b.getBwd().clone()));
            return b;
        }
        Layer s = layer instanceof Kernel ? Configs.as(layer, layer.getClass().getSuperclass().asSubclass(Layer.class))
                : layer;
        parts(s, false);
        return s;
    }

    /** Records the kernels {@code layer} runs on under its vertex name, its updater's under "updater". */
    private static void kernelsOf(Layer layer, String name, Map<String, String> used) {
        List<Object> parts = new ArrayList<>(List.of(layer));
        if (layer instanceof Bidirectional b) {
            parts = List.of(b.getFwd(), b.getBwd());
        }
        for (Object p : parts) {
            if (p instanceof Kernel) {
                used.put(name, p.getClass().getSimpleName());
            }
            if (p instanceof BaseLayer b) {
                if (b.getActivationFn() instanceof VectorRelu) {
                    used.merge(name, "VectorRelu", (a, x) -> a + "+" + x);
                }
                if (b.getIUpdater() instanceof VectorAdam) {
                    used.put("updater", "VectorAdam");
                }
            } else if (p instanceof AbstractSameDiffLayer s && s.getUpdater() instanceof VectorAdam) {
                used.put("updater", "VectorAdam");
            }
        }
    }

    /** The activation and the updaters of a layer, onto the kernels ({@code fast}) or back. */
    private static void parts(Layer layer, boolean fast) {
        if (layer instanceof BaseLayer b) {
            b.setActivationFn(activation(b.getActivationFn(), fast));
            b.setIUpdater(updater(b.getIUpdater(), fast));
            b.setBiasUpdater(updater(b.getBiasUpdater(), fast));
        } else if (layer instanceof ActivationLayer a) {
            a.setActivationFn(activation(a.getActivationFn(), fast));
        } else if (layer instanceof AbstractSameDiffLayer s) {
            s.setUpdater(updater(s.getUpdater(), fast));
            s.setBiasUpdater(updater(s.getBiasUpdater(), fast));
        }
    }

    private static IActivation activation(IActivation a, boolean fast) {
        if (fast && a != null && a.getClass() == ActivationReLU.class) {
            ActivationReLU r = (ActivationReLU) a; // max(0, z) only: no cap, threshold or leak
            boolean plain = (r.getMax() == null || r.getMax().isInfinite()) && zero(r.getThreshold())
                    && zero(r.getNegativeSlope());
            return plain ? new VectorRelu() : a;
        }
        return !fast && a instanceof VectorRelu ? new ActivationReLU() : a;
    }

    private static boolean zero(Double d) {
        return d == null || d == 0;
    }

    private static IUpdater updater(IUpdater u, boolean fast) {
        if (fast && u != null && u.getClass() == Adam.class) {
            return Configs.as(u, VectorAdam.class);
        }
        if (!fast && u instanceof VectorAdam) {
            return Configs.as(u, Adam.class);
        }
        return u;
    }
}
