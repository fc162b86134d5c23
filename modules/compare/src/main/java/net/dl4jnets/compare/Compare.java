package net.dl4jnets.compare;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.memory.MemoryUseMode;
import org.nd4j.linalg.api.buffer.DataType;

import net.dl4jnets.common.backend.Backend;
import net.dl4jnets.common.cli.Cli;
import net.dl4jnets.common.cli.CommonOptions;
import net.dl4jnets.common.cli.NetsCommand;
import net.dl4jnets.common.data.DataPaths;
import net.dl4jnets.common.data.FashionMnistLocator;
import net.dl4jnets.common.io.UserError;
import net.dl4jnets.common.train.Architecture;
import net.dl4jnets.common.train.FashionTraining;
import net.dl4jnets.common.train.RunFolder;
import net.dl4jnets.common.train.StopSignal;
import net.dl4jnets.common.train.Monitor;
import net.dl4jnets.common.train.TrainingConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Trains every registered Fashion-MNIST architecture on the same split and seed, under one budget, and writes a
 * report that puts them side by side: accuracy, size, training time, inference speed, memory. Each architecture is
 * trained by its own model command's code with that command's defaults; compare sets only the budget and one rule for
 * the epoch each is tested at (the lowest validation loss).
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Train every Fashion-MNIST architecture under one budget and report them side by side.")
public final class Compare implements NetsCommand {
    /** The quick budget: small enough for every architecture in under ten minutes on two cores. */
    static final int QUICK_LIMIT = 10_000;
    static final int QUICK_EPOCHS = 2;
    static final int QUICK_VAL_SIZE = 2_000;
    static final int DEFAULT_EPOCHS = 3;

    @Mixin
    CommonOptions common = new CommonOptions();

    @Option(names = "--quick", description = "All architectures in under ten minutes: " + QUICK_EPOCHS
            + " epochs on " + QUICK_LIMIT + " training images, " + QUICK_VAL_SIZE + " validation images.")
    boolean quick;

    @Option(names = "--minutes", paramLabel = "M",
            description = "Give each architecture M minutes of training (the fairest test of efficiency) instead of a number of epochs.")
    Double minutes;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs per architecture (default: " + DEFAULT_EPOCHS
            + "; --quick: " + QUICK_EPOCHS + ").")
    Integer epochs;

    @Option(names = "--archs", split = ",", paramLabel = "ID,ID",
            description = "Only these architectures (default: all registered; see --list).")
    List<String> archs;

    @Option(names = "--list", description = "List the registered architectures and exit.")
    boolean list;

    @Option(names = "--limit", paramLabel = "N", description = "Train on at most N images; 0 = all (default: 0; --quick: "
            + QUICK_LIMIT + ").")
    Integer limit;

    @Option(names = "--val-size", paramLabel = "N",
            description = "Validation images held out of training (default: 5000; --quick: " + QUICK_VAL_SIZE + ").")
    Integer valSize;

    @Option(names = "--max-batches", paramLabel = "N", defaultValue = "0",
            description = "At most N batches per epoch, for a smoke test; 0 = all (default: ${DEFAULT-VALUE}).")
    int maxBatches;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Seed of the split, the initial weights and the batch order (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "DIR", description = "Where the report folder goes (default: runs/).")
    Path out;

    /** What the comparison produced: its folder and one row per architecture, in the order they ran. */
    public record Report(Path dir, List<ArchResult> rows) {}

    /** The architectures --archs selects, in registry order; an unknown id is an error that lists the known ones. */
    static List<Architecture> select(List<Architecture> registered, List<String> wanted) {
        if (wanted == null || wanted.isEmpty()) {
            return registered;
        }
        Set<String> ids = new LinkedHashSet<>();
        for (String w : wanted) {
            ids.add(w.trim().toLowerCase(Locale.ROOT));
        }
        List<String> known = registered.stream().map(Architecture::id).toList();
        for (String id : ids) {
            if (!known.contains(id)) {
                throw new UserError("--archs: unknown architecture '" + id + "'; registered: " + String.join(", ", known) + ".");
            }
        }
        return registered.stream().filter(a -> ids.contains(a.id())).toList();
    }

    /** The budget every architecture gets, from the options. */
    record Budget(int epochs, int limit, int valSize, double minutes, String description) {}

    Budget budget() {
        if (minutes != null && (!(minutes > 0) || minutes.isInfinite())) {
            throw new UserError("--minutes must be a positive number, got " + minutes + ".");
        }
        if (epochs != null && epochs < 1) {
            throw new UserError("--epochs must be at least 1, got " + epochs + ".");
        }
        if (limit != null && limit < 0) {
            throw new UserError("--limit must be 0 (all) or positive, got " + limit + ".");
        }
        if (minutes != null && epochs != null) {
            throw new UserError("--minutes and --epochs are two different budgets; give one of them.");
        }
        int lim = limit != null ? limit : quick ? QUICK_LIMIT : 0;
        int val = valSize != null ? valSize : quick ? QUICK_VAL_SIZE : 5000;
        if (val < 1) {
            throw new UserError("--val-size must be at least 1, got " + val + ".");
        }
        String images = lim > 0 ? String.format(Locale.ROOT, "a subset of %,d training images", lim)
                : "all training images";
        if (minutes != null) {
            // Epochs only cap the run; the clock ends it and drives the learning-rate schedule.
            return new Budget(10_000, lim, val, minutes, String.format(Locale.ROOT, "%.3g minutes of training each, on %s",
                    minutes, images));
        }
        int e = epochs != null ? epochs : quick ? QUICK_EPOCHS : DEFAULT_EPOCHS;
        return new Budget(e, lim, val, 0, String.format(Locale.ROOT, "%d epoch%s each, on %s", e, e == 1 ? "" : "s", images));
    }

    public Report compare() {
        common.apply();
        common.validate();
        List<Architecture> chosen = select(Architecture.registered(), archs);
        if (chosen.isEmpty()) {
            throw new UserError("No architectures are registered: is the launcher's classpath complete?");
        }
        Budget budget = budget();
        // Fails once, with the locator's message and exit code 2, rather than once per architecture.
        FashionMnistLocator.standard(common.dataDir).load();
        RunFolder folder = RunFolder.create(out != null ? out : DataPaths.home().resolve("runs"), "compare");
        System.out.printf(Locale.ROOT, "compare: %d architectures (%s), %s; report folder %s%n", chosen.size(),
                String.join(", ", chosen.stream().map(Architecture::id).toList()), budget.description(), folder.dir());
        List<ArchResult> rows = new ArrayList<>();
        for (int i = 0; i < chosen.size(); i++) {
            Architecture a = chosen.get(i);
            System.out.printf(Locale.ROOT, "%n=== [%d/%d] %s: %s%n", i + 1, chosen.size(), a.id(), a.summary());
            ArchResult r = run(a, budget, folder.dir().resolve("runs"));
            rows.add(r);
            System.out.println(r.ok()
                    ? String.format(Locale.ROOT, "=== %s: test accuracy %.2f%% after %.1f epochs, %.0f s of training",
                    a.id(), 100 * r.testAccuracy(), r.epochs(), r.trainSeconds())
                    : "=== " + a.id() + " FAILED: " + r.error());
            CompareReport.write(folder.dir(), budget.description(), rows); // a report so far, should a later arch crash the JVM
        }
        System.out.println();
        System.out.print(CompareReport.table(rows));
        System.out.println();
        System.out.println(CompareReport.verdict(rows));
        System.out.println("Report: " + folder.dir().resolve("report.md"));
        return new Report(folder.dir(), rows);
    }

    /**
     * The architecture's own training settings with the comparison's budget, seed, split and folders, and one rule
     * for the epoch tested: the lowest validation loss, whatever its command keeps.
     */
    TrainingConfig settings(Architecture a, Budget budget, Path runs) {
        return a.training().withEpochs(budget.epochs()).withSeed(seed).withMonitor(Monitor.VAL_LOSS)
                .withData(budget.limit(), budget.valSize(), common.dataDir)
                .withLimits(maxBatches, budget.minutes()).withThreads(common.threads).withOut(runs);
    }

    /** Trains one architecture with its own command's defaults and the shared budget; never throws. */
    ArchResult run(Architecture a, Budget budget, Path runs) {
        FashionTraining.Outcome o = null;
        try (PeakMemory memory = new PeakMemory()) {
            TrainingConfig t = settings(a, budget, runs);
            FashionTraining.Spec spec = a.spec().apply(t);
            double networkMb = networkMemoryMb(spec, t.batchSize());
            o = FashionTraining.run(spec, t, new StopSignal());
            if (o.interrupted()) {
                throw new IllegalStateException("interrupted");
            }
            double perImage = Throughput.imagesPerSecond(o.best(), o.testView(), o.evalOptions(), 1, 1.0);
            double batched = Throughput.imagesPerSecond(o.best(), o.testView(), o.evalOptions(), 256, 2.0);
            PeakMemory.Peaks peaks = memory.peaks();
            var history = o.training().history();
            double seconds = history.stream().mapToDouble(h -> h.seconds()).sum();
            return new ArchResult(a.id(), a.summary(), ArchResult.OK, null, o.testAccuracy(),
                    o.training().best().valAccuracy(), o.best().numParams(), seconds,
                    epochsTrained(o), o.training().bestEpoch(), perImage, batched, networkMb, peaks.heapMb(), peaks.residentMb(),
                    Backend.info().threads(), history, o.test().confusion().counts(), o.run().dir().toString());
        } catch (Throwable t) { // an OutOfMemoryError in one architecture must not end the comparison
            if (t instanceof VirtualMachineError && !(t instanceof OutOfMemoryError)) {
                throw (VirtualMachineError) t;
            }
            return ArchResult.failed(a.id(), a.summary(), t, o == null ? List.of() : o.training().history(),
                    o == null ? null : o.run().dir().toString());
        }
    }

    /** DL4J's own estimate of the memory training needs at this batch size; NaN where a layer cannot estimate. */
    static double networkMemoryMb(FashionTraining.Spec spec, int batchSize) {
        try {
            return spec.graph().getMemoryReport(spec.layout().inputType()).getTotalMemoryBytes(batchSize,
                    MemoryUseMode.TRAINING, CacheMode.NONE, DataType.FLOAT) / 1048576.0;
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Whole epochs plus the part of the last one a time budget cut short, from the examples each epoch saw. */
    static double epochsTrained(FashionTraining.Outcome o) {
        TrainingConfig t = o.config().training();
        double trainImages = o.config().data().trainExamples();
        double perEpoch = t.maxBatches() > 0 ? Math.min(trainImages, (double) t.maxBatches() * t.batchSize()) : trainImages;
        return o.training().history().stream()
                .mapToDouble(h -> Math.min(1, h.seconds() * h.examplesPerSecond() / perEpoch)).sum();
    }

    @Override
    public Integer call() {
        if (list) {
            for (Architecture a : Architecture.registered()) {
                System.out.printf(Locale.ROOT, "%-12s week %d  %s%n", a.id(), a.week(), a.summary());
            }
            return 0;
        }
        Report r = compare();
        return r.rows().stream().allMatch(ArchResult::ok) ? 0 : 1;
    }

    public static void main(String[] args) {
        Cli.main(new Compare(), args);
    }
}
