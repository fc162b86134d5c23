package net.dl4jnets.compare;

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

import net.dl4jnets.cnn.FashionCnn;
import net.dl4jnets.common.backend.Backend;
import net.dl4jnets.common.backend.BackendBenchmark;
import net.dl4jnets.common.cli.Cli;
import net.dl4jnets.common.cli.CommonOptions;
import net.dl4jnets.common.cli.NetsCommand;
import net.dl4jnets.common.cli.UserError;
import net.dl4jnets.common.data.Augmentation;
import net.dl4jnets.common.data.CharBatches;
import net.dl4jnets.common.data.FashionMnist;
import net.dl4jnets.common.data.FashionMnistLocator;
import net.dl4jnets.common.data.ImageBatches;
import net.dl4jnets.common.data.Layout;
import net.dl4jnets.mlp.FashionMlp;
import net.dl4jnets.rnn.CharLstmGenerator;
import net.dl4jnets.rnn.RowSequenceClassifier;
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
    /** The benchmark models; bench/torch_peer.py has the same names and shapes. */
    public enum Model {
        MLP(Layout.DENSE, Backend.Workload.DENSE, 128),
        CNN2(Layout.CONV, Backend.Workload.CONV, 128),
        CNN2_BN(Layout.CONV, Backend.Workload.CONV, 128),
        MODERN(Layout.CONV, Backend.Workload.CONV, 128),
        LSTM(Layout.SEQUENCE, Backend.Workload.RECURRENT, 128),
        CHAR_LSTM(null, Backend.Workload.LANGUAGE_MODEL, 32);

        final Layout layout;
        final Backend.Workload workload;
        final int batch;

        Model(Layout layout, Backend.Workload workload, int batch) {
            this.layout = layout;
            this.workload = workload;
            this.batch = batch;
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    static final int CHAR_VOCABULARY = 65;
    static final int CHAR_STEPS = 100;
    static final int CHAR_TBPTT = 50;

    @Mixin
    CommonOptions common = new CommonOptions();

    @Option(names = "--model", paramLabel = "M", description = "mlp, cnn2, cnn2-bn, modern, lstm or char-lstm.",
            converter = ModelConverter.class)
    Model model;

    @Option(names = "--gemm", description = "Measure the float32 matrix-multiply rate (GFLOP/s) instead.")
    boolean gemm;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "20", description = "Untimed batches first (default: ${DEFAULT-VALUE}).")
    int warmup;

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

    static final class ModelConverter implements picocli.CommandLine.ITypeConverter<Model> {
        @Override
        public Model convert(String value) {
            for (Model m : Model.values()) {
                if (m.id().equalsIgnoreCase(value) || m.name().equalsIgnoreCase(value)) {
                    return m;
                }
            }
            throw new picocli.CommandLine.TypeConversionException("unknown model '" + value + "'");
        }
    }

    /** The benchmark graph, from the suite's own builders: cnn2 is the reference CNN of bench-backend. */
    public static ComputationGraphConfiguration graph(Model m, long seed) {
        return graph(m, seed, CNN2DFormat.NCHW);
    }

    /** The benchmark graph with the CNNs' activations in the given layout (the other models ignore it). */
    static ComputationGraphConfiguration graph(Model m, long seed, CNN2DFormat format) {
        InputType image = InputType.convolutional(FashionMnist.ROWS, FashionMnist.COLS, 1, format);
        return switch (m) {
            case MLP -> FashionMlp.graph(new FashionMlp.Config(List.of(256, 128), 0, 0, false, 1, 128, 1e-3), seed);
            case CNN2 -> BackendBenchmark.referenceCnn(false, seed, image);
            case CNN2_BN -> BackendBenchmark.referenceCnn(true, seed, image);
            case MODERN -> FashionCnn.Arch.MODERN.graph(new FashionCnn.Config(FashionCnn.Arch.MODERN, 32, 2, 0.25,
                    false, 0, seed, 1e-3), image);
            case LSTM -> RowSequenceClassifier.graph(new RowSequenceClassifier.Config(RowSequenceClassifier.Arch.LSTM,
                    128, 0, Augmentation.NONE, seed, 1e-3)); // no head, as the PyTorch peer
            case CHAR_LSTM -> CharLstmGenerator.graph(new CharLstmGenerator.Config(CHAR_VOCABULARY, 256, 2, CHAR_STEPS,
                    CHAR_TBPTT, 0, seed, 2e-3)); // no dropout, as the PyTorch peer
        };
    }

    /** The input type FLOPs are counted for. */
    static InputType inputType(Model m) {
        return m == Model.CHAR_LSTM ? InputType.recurrent(CHAR_VOCABULARY, CHAR_STEPS) : m.layout.inputType();
    }

    /** Trains the model for the warm-up and the timed batches; returns the measurement as written in JSON. */
    public Map<String, Object> measure() {
        common.validate();
        if (warmup < 0 || batches < 0) {
            throw new UserError("--warmup and --batches must be 0 or positive.");
        }
        boolean nhwc = format == CNN2DFormat.NHWC;
        if (nhwc && model.layout != Layout.CONV) {
            throw new UserError("--format NHWC applies to the CNNs (cnn2, cnn2-bn, modern), not to " + model.id() + ".");
        }
        Backend.BackendInfo backend = Backend.start(common.threads, model.workload);
        ComputationGraphConfiguration conf = graph(model, seed, format);
        if (!workspaces) {
            conf.setTrainingWorkspaceMode(WorkspaceMode.NONE);
            conf.setInferenceWorkspaceMode(WorkspaceMode.NONE);
        }
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        DataSetIterator data;
        int perEpoch;
        long examplesPerEpoch;
        if (model == Model.CHAR_LSTM) {
            Random r = new Random(seed);
            int[] text = new int[1_000_000];
            for (int i = 0; i < text.length; i++) {
                text[i] = r.nextInt(CHAR_VOCABULARY);
            }
            CharBatches cb = new CharBatches(text, CHAR_VOCABULARY, CHAR_STEPS, model.batch, true, seed);
            data = cb;
            perEpoch = batches > 0 ? batches : 100;
            examplesPerEpoch = (long) perEpoch * model.batch * CHAR_STEPS; // characters
        } else {
            FashionMnist fm = FashionMnistLocator.standard(common.dataDir).load();
            var train = fm.split(0, 0, seed).train();
            ImageBatches ib = new ImageBatches(train, new ImageBatches.Options(model.layout, model.batch, true, seed,
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
        for (int i = 0; i < warmup; i++) {
            if (!data.hasNext()) {
                data.reset();
            }
            graph.fit(data.next());
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
            var ds = data.next();
            graph.fit(ds);
            examples += model == Model.CHAR_LSTM ? ds.getFeatures().size(0) * ds.getFeatures().size(2)
                    : ds.numExamples();
        }
        graph.score(); // completes any queued native work before the clock stops
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpuSeconds = (processCpuNanos() - cpu0) / 1e9;
        long flopsPerExample = Flops.trainingPerExample(graph.getConfiguration(), nhwc
                ? InputType.convolutional(FashionMnist.ROWS, FashionMnist.COLS, 1, CNN2DFormat.NHWC) : inputType(model));
        if (model == Model.CHAR_LSTM) {
            flopsPerExample /= CHAR_STEPS; // counted per character
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("framework", "dl4j");
        m.put("model", model.id());
        m.put("threads", backend.threads());
        m.put("batch", model.batch);
        if (model.layout == Layout.CONV) {
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
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
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
            m.put("gemm_gflops_1_thread", gemmRate(2048, 1));
            m.put("gemm_gflops_" + cores + "_threads", gemmRate(2048, cores));
            System.out.println(new com.google.gson.Gson().toJson(m));
            return 0;
        }
        if (model == null) {
            throw new UserError("Give --model (mlp, cnn2, cnn2-bn, modern, lstm, char-lstm) or --gemm.");
        }
        Map<String, Object> m = measure();
        System.out.println(new com.google.gson.Gson().toJson(m));
        return 0;
    }

    public static void main(String[] args) {
        Cli.main(new SpeedBench(), args);
    }
}
