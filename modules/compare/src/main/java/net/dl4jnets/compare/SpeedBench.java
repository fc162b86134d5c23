package net.dl4jnets.compare;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

import com.google.gson.Gson;
import com.sun.management.OperatingSystemMXBean;
import net.dl4jnets.common.backend.Backend;
import net.dl4jnets.common.cli.Cli;
import net.dl4jnets.common.cli.CommonOptions;
import net.dl4jnets.common.cli.NetsCommand;
import net.dl4jnets.common.data.Augmentation;
import net.dl4jnets.common.data.CharBatches;
import net.dl4jnets.common.data.FashionMnist;
import net.dl4jnets.common.data.FashionMnistLocator;
import net.dl4jnets.common.data.ImageBatches;
import net.dl4jnets.common.data.Layout;
import net.dl4jnets.common.io.UserError;
import net.dl4jnets.engine.Engine;
import net.dl4jnets.common.train.Benchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The DL4J half of the speed benchmark against PyTorch ({@code bench/speed.py} runs both and compares): trains one
 * model for a warm-up and then one timed epoch of the 60,000 Fashion-MNIST training images, and prints one JSON line
 * with the time and the FLOPs. {@code bench/torch_peer.py} builds the same layer shapes with the same batch size and
 * optimizer. {@code --gemm} instead measures the machine's float32 matrix-multiply rate, the floor under every epoch.
 */
@Command(name = "speed", mixinStandardHelpOptions = true,
        description = "Time one training epoch of a benchmark model (the DL4J side of bench/speed.py), or the GEMM rate.")
public final class SpeedBench implements NetsCommand {
    @Mixin
    CommonOptions common = new CommonOptions();

    @Option(names = "--model", paramLabel = "M", description = "A benchmark model (see --list).")
    String model;

    @Option(names = "--list", description = "List the benchmark models with the thread count each gets, and exit.")
    boolean list;

    @Option(names = "--json", description = "With --list: one JSON object per model, for bench/speed.py.")
    boolean json;

    @Option(names = "--gemm", description = "Measure the float32 matrix-multiply rate (GFLOP/s) instead.")
    boolean gemm;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "20", description = "Untimed batches first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--warmup-seconds", paramLabel = "S", defaultValue = "0",
            description = "Go on warming up until S seconds have passed too: the JIT compiler needs seconds, not batches (default: ${DEFAULT-VALUE}).")
    double warmupSeconds;

    @Option(names = "--batches", paramLabel = "N", defaultValue = "0",
            description = "Time N batches and scale to an epoch; 0 = one whole epoch (char-lstm: 100) (default: ${DEFAULT-VALUE}).")
    int batches;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--format", paramLabel = "F", defaultValue = "NCHW",
            description = "CNNs: activation layout, NCHW or NHWC (default: ${DEFAULT-VALUE}).")
    CNN2DFormat format;

    @Option(names = "--workspaces", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "DL4J's workspaces, which reuse activation memory across batches (default: on).")
    boolean workspaces;

    /** The registered benchmark model with this id; an unknown one is an error that lists the known ones. */
    static Benchmark find(String id) {
        List<Benchmark> all = Benchmark.registered();
        return all.stream().filter(m -> m.id().equalsIgnoreCase(id)).findFirst().orElseThrow(() -> new UserError(
                "--model: unknown benchmark model '" + id + "'; registered: "
                        + String.join(", ", all.stream().map(Benchmark::id).toList()) + "."));
    }

    /** The benchmark graph with the CNNs' activations in the given layout (the other models ignore it). */
    static ComputationGraphConfiguration graph(Benchmark m, long seed, CNN2DFormat format) {
        if (m.layout() != Layout.CONV) {
            return m.graph(seed);
        }
        return m.graph().apply(seed, InputType.convolutional(FashionMnist.ROWS, FashionMnist.COLS, 1, format));
    }

    /** Trains the model for the warm-up and the timed batches; returns the measurement as written in JSON. */
    public Map<String, Object> measure() {
        Benchmark model = find(this.model);
        common.apply();
        common.validate();
        if (warmup < 0 || batches < 0 || warmupSeconds < 0) {
            throw new UserError("--warmup, --warmup-seconds and --batches must be 0 or positive.");
        }
        boolean nhwc = format == CNN2DFormat.NHWC;
        if (nhwc && model.layout() != Layout.CONV) {
            throw new UserError("--format NHWC applies to the CNNs (cnn2, cnn2-bn, modern), not to " + model.id() + ".");
        }
        Backend.BackendInfo backend = Backend.start(common.threads, model.workload());
        ComputationGraphConfiguration conf = graph(model, seed, format);
        if (!workspaces) {
            conf.setTrainingWorkspaceMode(WorkspaceMode.NONE);
            conf.setInferenceWorkspaceMode(WorkspaceMode.NONE);
        }
        Engine.Plan plan = Engine.plan(conf);
        ComputationGraph graph = new ComputationGraph(plan.configuration());
        graph.init();
        DataSetIterator data;
        int perEpoch;
        long examplesPerEpoch;
        if (model.text() != null) {
            int vocabulary = model.text().vocabulary();
            int steps = model.text().steps();
            Random r = new Random(seed);
            int[] text = new int[1_000_000];
            for (int i = 0; i < text.length; i++) {
                text[i] = r.nextInt(vocabulary);
            }
            CharBatches cb = new CharBatches(text, vocabulary, steps, model.batch(), true, seed);
            data = cb;
            perEpoch = batches > 0 ? batches : 100;
            examplesPerEpoch = (long) perEpoch * model.batch() * steps; // characters
        } else {
            FashionMnist fm = FashionMnistLocator.standard(common.dataDir).load();
            var train = fm.split(0, 0, seed).train();
            ImageBatches ib = new ImageBatches(train, new ImageBatches.Options(model.layout(), model.batch(), true, seed,
                    train.pixelMeanStd(), Augmentation.NONE));
            if (nhwc) {
                // One channel: [n, 1, 28, 28] and [n, 28, 28, 1] hold the same floats in the same order.
                ib.setPreProcessor(ds -> ds.setFeatures(ds.getFeatures().reshape(ds.numExamples(), FashionMnist.ROWS,
                        FashionMnist.COLS, 1)));
            }
            data = ib;
            perEpoch = ib.batchesPerEpoch();
            examplesPerEpoch = train.size();
        }
        long warmEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
        for (int i = 0; i < warmup || System.nanoTime() < warmEnd; i++) {
            if (!data.hasNext()) {
                data.reset();
            }
            Engine.fit(graph, Engine.next(data));
        }
        data.reset();
        int timed = batches > 0 ? Math.min(batches, perEpoch) : perEpoch;
        long examples = 0;
        long cpu0 = processCpuNanos();
        long t0 = System.nanoTime();
        for (int i = 0; i < timed; i++) {
            if (!data.hasNext()) {
                data.reset();
            }
            var ds = Engine.next(data);
            Engine.fit(graph, ds);
            examples += model.text() != null ? ds.getFeatures().size(0) * ds.getFeatures().size(2)
                    : ds.numExamples();
        }
        graph.score(); // completes any queued native work before the clock stops
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpuSeconds = (processCpuNanos() - cpu0) / 1e9;
        long flopsPerExample = Flops.trainingPerExample(graph.getConfiguration(), nhwc
                ? InputType.convolutional(FashionMnist.ROWS, FashionMnist.COLS, 1, CNN2DFormat.NHWC) : model.inputType());
        if (model.text() != null) {
            flopsPerExample /= model.text().steps(); // counted per character
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("framework", "dl4j");
        m.put("model", model.id());
        m.put("machine", backend.machine());
        m.put("threads", backend.threads());
        m.put("engine", (plan.kernels().isEmpty() ? Engine.Choice.STOCK : Engine.Choice.FAST).toString());
        m.put("kernels", plan.kernelNames());
        m.put("batch", model.batch());
        if (model.layout() == Layout.CONV) {
            m.put("format", format.name());
        }
        if (!workspaces) {
            m.put("workspaces", false);
        }
        m.put("timed_batches", timed);
        m.put("seconds", seconds);
        m.put("epoch_seconds", seconds * examplesPerEpoch / examples);
        m.put("examples_per_second", examples / seconds);
        m.put("train_flops_per_example", flopsPerExample);
        m.put("epoch_examples", examplesPerEpoch);
        // Shows whether the thread count held: a 1-thread run near 1.0, not 2.0 (the JIT and GC add a little).
        m.put("cpu_per_wall", cpuSeconds / seconds);
        return m;
    }

    private static long processCpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Best of five float32 n×n matrix products, in GFLOP/s, at the given thread count. */
    public static double gemmRate(int n, int threads) {
        Backend.start(threads, Backend.Workload.CONV);
        INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray c = Nd4j.create(DataType.FLOAT, n, n);
        Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
        double best = 0;
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
            double s = (System.nanoTime() - t0) / 1e9;
            best = Math.max(best, 2.0 * n * n * n / s / 1e9);
        }
        return best;
    }

    @Override
    public Integer call() {
        if (gemm) {
            int cores = Runtime.getRuntime().availableProcessors();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("framework", "dl4j");
            m.put("machine", Backend.machine());
            m.put("gemm_gflops_1_thread", gemmRate(2048, 1));
            m.put("gemm_gflops_" + cores + "_threads", gemmRate(2048, cores));
            System.out.println(new Gson().toJson(m));
            return 0;
        }
        if (list) {
            for (Benchmark b : Benchmark.registered()) {
                System.out.println(json ? new Gson().toJson(Map.of("id", b.id(), "threads", b.threads(),
                        "batch", b.batch(), "text", b.text() != null, "summary", b.summary())) : String.format(Locale.ROOT,
                        "%-10s %d thread%s  batch %3d  %s", b.id(), b.threads(), b.threads() == 1 ? " " : "s",
                        b.batch(), b.summary()));
            }
            return 0;
        }
        if (model == null) {
            throw new UserError("Give --model (see --list) or --gemm.");
        }
        Map<String, Object> m = measure();
        System.out.println(new Gson().toJson(m));
        return 0;
    }

    public static void main(String[] args) {
        Cli.main(new SpeedBench(), args);
    }
}
