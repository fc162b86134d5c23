package net.dl4jnets.common.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.samediff.AbstractSameDiffLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * The one step between a model and the suite's fast CPU kernels, as DL4J chooses its own cuDNN and oneDNN helpers:
 * at run time, by backend, under the configuration the model builder wrote in DL4J's own classes.
 *
 * <p>{@link #apply} maps a stock configuration onto the kernels (DL4J's {@code DenseLayer} onto
 * {@link SinglePassDense}, {@code Adam} onto {@link VectorAdam}, ReLU onto {@link VectorRelu}, and what the modules
 * register as {@link LayerAcceleration}) when, and only when, {@link #active(DataType)} holds: the engine asked for is
 * {@link Engine#FAST}, the backend is nd4j-native (CPU), the JVM has the Vector API and the network computes in
 * float. {@link #stock} maps back: every model file is written in DL4J's classes ({@code Checkpoints}), so a plain DL4J
 * application loads it. The parameters and updater state have the same layout either way.
 *
 * <p>Every Java pass over ND4J's memory asks {@link #direct} first. On nd4j-cuda a write into the host side of a
 * buffer is not marked as one, so the GPU would compute on stale values; here such a pass cannot run, by
 * construction, and a test makes the predicate see another backend to prove it.
 */
public final class Acceleration {
    private Acceleration() {}

    static final String CPU_BACKEND = "org.nd4j.linalg.cpu.nativecpu.CpuBackend";

    private static volatile Engine asked = Engine.FAST;
    /** The backend the predicate sees instead of ND4J's, for tests of what another backend runs; null: ND4J's. */
    private static volatile String seenBackend;
    private static final List<LayerAcceleration> KERNELS = kernels();
    private static final Map<Class<?>, LongAdder> PASSES = new ConcurrentHashMap<>();

    /** The engine asked for (the command line's {@code --engine}; fast unless told). */
    public static void use(Engine engine) {
        asked = engine;
    }

    /**
     * Makes the predicate see another backend (a class name such as {@code org.nd4j.linalg.jcublas.JCublasBackend}),
     * or ND4J's own again with null: for tests of what runs on a GPU, on a machine without one.
     */
    public static void seeBackend(String backendClassName) {
        seenBackend = backendClassName;
    }

    private static final class NativeBackend {
        static final boolean CPU = CPU_BACKEND.equals(Nd4j.getBackend().getClass().getName());
    }

    /** Whether the backend is nd4j-native, the only one whose memory a Java pass may read and write directly. */
    public static boolean cpu() {
        String seen = seenBackend;
        return seen != null ? CPU_BACKEND.equals(seen) : NativeBackend.CPU;
    }

    /** The fast engine runs: asked for, on the CPU backend, with the Vector API. (Each kernel also needs float.) */
    public static boolean active() {
        return asked == Engine.FAST && VectorApi.PRESENT && cpu();
    }

    /** {@link #active()}, for arrays or a network of this data type: the kernels are float only. */
    public static boolean active(DataType type) {
        return type == DataType.FLOAT && active();
    }

    /** The engine that runs, for the backend line and config.json. */
    public static Engine engine() {
        return active() ? Engine.FAST : Engine.STOCK;
    }

    /** "engine: fast (Vector API, 16 floats)" or "engine: stock DL4J", with the reason if fast was asked for. */
    public static String line() {
        if (active()) {
            return "engine: fast (Vector API, " + FloatMath.S.length() + " floats)";
        }
        String why = asked == Engine.STOCK ? "" : !cpu() ? " (the fast engine is for the CPU backend only)"
                : " (no Vector API: java --add-modules jdk.incubator.vector)";
        return "engine: stock DL4J" + why;
    }

    /**
     * Before a Java pass reads or writes ND4J's memory directly: refuses unless the engine is active (a bug, never a
     * user's error), and counts the pass, so that a test can see that a kernel's own code ran.
     */
    public static void direct(Class<?> kernel) {
        requireActive(kernel);
        PASSES.computeIfAbsent(kernel, k -> new LongAdder()).increment();
    }

    /**
     * {@link #direct} without the count, for the memory accesses inside a kernel's pass (a few per time step of the
     * LSTM), which its entry has counted already.
     */
    public static void requireActive(Class<?> kernel) {
        if (!active()) {
            throw new IllegalStateException(kernel.getSimpleName() + " would read ND4J's memory directly with the "
                    + line() + "; only the fast engine on the CPU backend may");
        }
    }

    /** How many times {@code kernel}'s own pass has run in this JVM. */
    public static long passes(Class<?> kernel) {
        LongAdder n = PASSES.get(kernel);
        return n == null ? 0 : n.sum();
    }

    /** How many direct passes of any kernel have run in this JVM. */
    public static long passes() {
        return PASSES.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /**
     * The configuration that runs: {@code conf} in stock classes, with the kernels swapped in where the engine is
     * {@link #active(DataType) active} for its data type. A copy; {@code conf} is not changed.
     */
    public static ComputationGraphConfiguration apply(ComputationGraphConfiguration conf) {
        ComputationGraphConfiguration c = stock(conf);
        if (!active(c.getDataType())) {
            return c;
        }
        for (Map.Entry<String, GraphVertex> e : c.getVertices().entrySet()) {
            if (e.getValue() instanceof LayerVertex v) {
                // a layer whose inputs are all the network's needs no gradient for them: the graph drops it
                boolean readsData = c.getNetworkInputs().containsAll(c.getVertexInputs().get(e.getKey()));
                v.getLayerConf().setLayer(fast(v.getLayerConf().getLayer(), readsData));
            }
        }
        return c;
    }

    /** {@code conf} in DL4J's own classes only (the attention layers DL4J lacks aside). A copy. */
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
     * updater state, under {@link #apply}'s configuration.
     */
    public static ComputationGraph running(ComputationGraph saved) {
        return rebuild(saved, apply(saved.getConfiguration()));
    }

    /**
     * A graph of configuration {@code conf} (the same layers, in other classes) sharing {@code net}'s parameters, with
     * a copy of its updater state.
     */
    public static ComputationGraph rebuild(ComputationGraph net, ComputationGraphConfiguration conf) {
        ComputationGraph g = new ComputationGraph(conf);
        g.init(net.params(), false);
        if (net.getUpdater(false) != null && net.getUpdater().getStateViewArray() != null) {
            g.getUpdater().getStateViewArray().assign(net.getUpdater().getStateViewArray());
        }
        return g;
    }

    private static Layer fast(Layer layer, boolean readsData) {
        if (layer instanceof Bidirectional b) {
            // both directions read the same input and their input gradients are added: never skip them
            b.setFwd(fast(b.getFwd(), false));
            b.setBwd(fast(b.getBwd(), false));
            return b;
        }
        parts(layer, true);
        for (LayerAcceleration k : KERNELS) {
            Layer f = k.fast(layer, readsData);
            if (f != null) {
                return f;
            }
        }
        return layer;
    }

    private static Layer stock(Layer layer) {
        if (layer instanceof Bidirectional b) {
            b.setFwd(stock(b.getFwd()));
            b.setBwd(stock(b.getBwd()));
            return b;
        }
        Layer s = layer instanceof LayerAcceleration.Kernel k ? k.stock() : layer;
        parts(s, false);
        return s;
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
            return LayerConfigs.copy((Adam) u, new VectorAdam(), Adam.class);
        }
        if (!fast && u instanceof VectorAdam v) {
            return LayerConfigs.copy(v, new Adam(), Adam.class);
        }
        return u;
    }

    private static List<LayerAcceleration> kernels() {
        List<LayerAcceleration> all = new ArrayList<>();
        ServiceLoader.load(LayerAcceleration.class, Acceleration.class.getClassLoader()).forEach(all::add);
        return List.copyOf(all);
    }

    /** The layer kernels the modules register (META-INF/services), for tests that list them. */
    public static List<LayerAcceleration> kernelsRegistered() {
        return KERNELS;
    }
}
