package net.dl4jnets.common.backend;

import java.util.List;
import java.util.Locale;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import net.dl4jnets.common.cli.Cli;
import net.dl4jnets.common.cli.CommonOptions;
import net.dl4jnets.common.cli.NetsCommand;
import net.dl4jnets.common.cli.UserError;
import net.dl4jnets.common.data.FashionMnist;
import net.dl4jnets.common.data.FashionMnistLocator;
import net.dl4jnets.common.data.ImageBatches;
import net.dl4jnets.common.data.Layout;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code nets bench-backend}: times training epochs of the reference CNN (conv5x5x32-pool-conv5x5x64-pool-dense256,
 * Adam, batch 128) with DL4J's oneDNN helpers on and off and at several thread counts: the figures behind the
 * backend's defaults in BENCHMARKS.md.
 */
@Command(name = "bench-backend", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Time the reference CNN's training with oneDNN helpers on/off at several thread counts.")
public final class BackendBenchmark implements NetsCommand {
    @Mixin
    CommonOptions common = new CommonOptions();

    @Option(names = "--batches", description = "Batches of 128 to time per setting (469 = one epoch).")
    int batches = 469;

    @Option(names = "--thread-counts", split = ",", description = "Thread counts to try.")
    List<Integer> threadCounts = List.of(1, 2);

    @Option(names = "--helpers", split = ",", description = "oneDNN helper settings to try (on, off).")
    List<String> helpers = List.of("on", "off");

    @Override
    public Integer call() {
        common.applyLogging();
        if (batches <= 0) {
            throw new UserError("--batches must be positive, got " + batches + ".");
        }
        Backend.start(threadCounts.get(0), Backend.Workload.CONV);
        FashionMnist data = FashionMnistLocator.standard(common.dataDir).load();
        for (String h : helpers) {
            if (!h.equals("on") && !h.equals("off")) {
                throw new UserError("--helpers takes on and/or off, got " + h + ".");
            }
            for (int threads : threadCounts) {
                System.setProperty(Backend.HELPERS_DISABLE_PROPERTY, h.equals("on") ? "false" : "true");
                Backend.start(threads, Backend.Workload.CONV);
                double seconds = time(data);
                System.out.printf(Locale.ROOT, "reference CNN | oneDNN helpers %-3s | %d thread%s | %d batches in %.1f s"
                        + " | %.1f s per 469-batch epoch%n", h, threads, threads == 1 ? " " : "s", batches, seconds,
                        seconds / batches * 469);
            }
        }
        System.setProperty(Backend.HELPERS_DISABLE_PROPERTY, "false");
        return 0;
    }

    private double time(FashionMnist data) {
        ComputationGraph graph = new ComputationGraph(referenceCnn());
        graph.init();
        ImageBatches it = new ImageBatches(data.train().all(),
                new ImageBatches.Options(Layout.CONV, 128, true, 1, null, null));
        // Warm-up: the first batches allocate workspaces and JIT-compile.
        for (int i = 0; i < 5; i++) {
            graph.fit(it.next());
        }
        it.setEpoch(1);
        long t0 = System.nanoTime();
        for (int i = 0; i < batches; i++) {
            if (!it.hasNext()) {
                it.reset();
            }
            DataSet ds = it.next();
            graph.fit(ds);
        }
        graph.score(); // forces completion of queued native work before the clock stops
        return (System.nanoTime() - t0) / 1e9;
    }

    static ComputationGraphConfiguration referenceCnn() {
        return referenceCnn(false, 1);
    }

    /**
     * The reference CNN: conv5x5x32 - maxpool - conv5x5x64 - maxpool - dense256 - softmax, no padding (28 → 24 → 12
     * → 8 → 4), Adam 1e-3; with batchnorm between each convolution and its ReLU if asked. The speed benchmark against
     * PyTorch uses it too.
     */
    public static ComputationGraphConfiguration referenceCnn(boolean batchNorm, long seed) {
        return referenceCnn(batchNorm, seed, Layout.CONV.inputType());
    }

    /** The reference CNN for an image input of the given type (its data format is NCHW or NHWC). */
    public static ComputationGraphConfiguration referenceCnn(boolean batchNorm, long seed, InputType input) {
        var g = new NeuralNetConfiguration.Builder().seed(seed).updater(new Adam(1e-3)).graphBuilder()
                .addInputs("in")
                .setInputTypes(input);
        String prev = "in";
        int[] channels = {32, 64};
        for (int i = 1; i <= 2; i++) {
            g.addLayer("conv" + i, new ConvolutionLayer.Builder(5, 5).nOut(channels[i - 1])
                    .activation(batchNorm ? Activation.IDENTITY : Activation.RELU).build(), prev);
            prev = "conv" + i;
            if (batchNorm) {
                g.addLayer("bn" + i, new BatchNormalization.Builder().build(), prev);
                g.addLayer("relu" + i, new ActivationLayer(Activation.RELU), "bn" + i);
                prev = "relu" + i;
            }
            g.addLayer("pool" + i, new SubsamplingLayer.Builder(2, 2).stride(2, 2).build(), prev);
            prev = "pool" + i;
        }
        return g.addLayer("dense", new DenseLayer.Builder().nOut(256).activation(Activation.RELU).build(), prev)
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build(), "dense")
                .setOutputs("out")
                .build();
    }

    public static void main(String[] args) {
        Cli.main(new BackendBenchmark(), args);
    }
}
