package net.dl4jnets.common.train;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.function.BiFunction;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;

import net.dl4jnets.common.backend.Backend;
import net.dl4jnets.common.data.Layout;

/**
 * A model of the speed benchmark ({@code nets speed}, {@code bench/speed.py}): a fixed shape that the PyTorch peer
 * in {@code bench/torch_peer.py} builds too. Declared by the module that owns the model, in its
 * {@link ArchitectureProvider}; the benchmark and its Python driver list nothing themselves.
 *
 * @param week   the course week of the model, which orders the list (then the id)
 * @param layout how Fashion-MNIST images are fed, or null for a character model trained on {@code text}
 * @param text   the shape of a character model's batches, or null for an image model
 * @param graph  the graph for a seed and an input type (the CNNs accept NHWC as well as NCHW)
 */
public record Benchmark(String id, int week, String summary, Backend.Workload workload, int batch, Layout layout,
                        TextShape text, BiFunction<Long, InputType, ComputationGraphConfiguration> graph) {
    /** Batches of {@code steps} characters from a vocabulary of {@code vocabulary}. */
    public record TextShape(int vocabulary, int steps) {}

    /** The input type the graph is built for and its FLOPs are counted for. */
    public InputType inputType() {
        return text != null ? InputType.recurrent(text.vocabulary(), text.steps()) : layout.inputType();
    }

    public ComputationGraphConfiguration graph(long seed) {
        return graph.apply(seed, inputType());
    }

    /** The thread count the backend picks for this model's workload on this machine; PyTorch gets the same. */
    public int threads() {
        return Backend.defaultThreads(workload);
    }

    /** What the modules on the classpath declare, by course week and id. */
    public static List<Benchmark> registered() {
        List<Benchmark> all = new ArrayList<>();
        for (ArchitectureProvider p : ServiceLoader.load(ArchitectureProvider.class)) {
            all.addAll(p.benchmarks());
        }
        all.sort(Comparator.comparingInt(Benchmark::week).thenComparing(Benchmark::id));
        return all;
    }
}
