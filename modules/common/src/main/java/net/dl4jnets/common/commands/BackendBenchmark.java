package net.dl4jnets.common.commands;

import java.util.List;
import java.util.Locale;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;

import net.dl4jnets.common.backend.Backend;
import net.dl4jnets.common.backend.ReferenceCnn;
import net.dl4jnets.common.cli.Cli;
import net.dl4jnets.common.cli.CommonOptions;
import net.dl4jnets.common.cli.NetsCommand;
import net.dl4jnets.common.data.FashionMnist;
import net.dl4jnets.common.data.FashionMnistLocator;
import net.dl4jnets.common.data.ImageBatches;
import net.dl4jnets.common.data.Layout;
import net.dl4jnets.common.io.UserError;
import net.dl4jnets.engine.Engine;
import net.dl4jnets.common.train.Architecture;
import net.dl4jnets.common.train.ArchitectureProvider;
import net.dl4jnets.common.train.Benchmark;
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
        common.apply();
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
        ComputationGraph graph = new ComputationGraph(
                Engine.plan(ReferenceCnn.graph(false, 1, Layout.CONV.inputType())).configuration());
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

    /** The reference CNNs, plain and with batchnorm, as models of the speed benchmark. */
    public static final class Benchmarks implements ArchitectureProvider {
        @Override
        public List<Architecture> architectures() {
            return List.of();
        }

        @Override
        public List<Benchmark> benchmarks() {
            return List.of(
                    new Benchmark("cnn2", 3, "reference CNN: conv5-pool-conv5-pool-dense256", Backend.Workload.CONV,
                            128, Layout.CONV, null, (seed, input) -> ReferenceCnn.graph(false, seed, input)),
                    new Benchmark("cnn2-bn", 3, "reference CNN with batchnorm", Backend.Workload.CONV, 128,
                            Layout.CONV, null, (seed, input) -> ReferenceCnn.graph(true, seed, input)));
        }
    }

    public static void main(String[] args) {
        Cli.main(new BackendBenchmark(), args);
    }
}
