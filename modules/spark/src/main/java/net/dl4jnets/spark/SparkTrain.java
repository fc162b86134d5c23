package net.dl4jnets.spark;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.nd4j.parameterserver.distributed.conf.VoidConfiguration;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.parameterserver.training.SharedTrainingMaster;
import org.deeplearning4j.spark.stats.StatsUtils;

import net.dl4jnets.common.cli.Cli;
import net.dl4jnets.common.cli.CommonOptions;
import net.dl4jnets.common.cli.NetsCommand;
import net.dl4jnets.common.io.UserError;
import net.dl4jnets.common.train.Architecture;
import net.dl4jnets.common.train.FashionTraining;
import net.dl4jnets.common.train.Parallelism;
import net.dl4jnets.common.train.RunConfig;
import net.dl4jnets.common.train.StopSignal;
import net.dl4jnets.common.train.Trainer;
import net.dl4jnets.common.train.TrainingConfig;
import net.dl4jnets.common.train.TrainingRuns;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Trains any registered Fashion-MNIST architecture on a Spark cluster with dl4j-spark's parameter averaging, into
 * the same run folder as its own command (config.json, metrics, checkpoints, model.zip, eval, charts), plus Spark's
 * training statistics as HTML. The driver reads and batches the data with the common loader and sends the batches to
 * the executors in the tasks, or writes them to a folder the executors read ({@code --batch-dir}); either way the
 * executors need no access to the data files.
 */
@Command(name = "spark-train", mixinStandardHelpOptions = true,
        description = "Train a Fashion-MNIST architecture on a Spark cluster (dl4j-spark, parameter averaging).")
public final class SparkTrain implements NetsCommand {
    @Mixin
    CommonOptions common = new CommonOptions();

    @Option(names = "--arch", required = true, paramLabel = "ID",
            description = "The architecture, as compare --list names it (mlp, cnn-modern, rnn-lstm, transformer, ...).")
    String arch;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master: local[N], spark://host:7077, yarn, k8s://... (default: spark-submit's "
                    + "--master, else local[*]).")
    String master;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "0",
            description = "Partitions per round, one per executor core; 0 = Spark's default parallelism (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--averaging-frequency", paramLabel = "N", defaultValue = "5",
            description = "Batches each worker trains between two averagings (default: ${DEFAULT-VALUE}).")
    int averagingFrequency;

    @Option(names = "--parallel-mode", paramLabel = "MODE", defaultValue = "averaging",
            description = "averaging: parameter averaging through the driver; shared-gradients: threshold-encoded "
                    + "updates sent between the executors (dl4j-spark-parameterserver) (default: ${DEFAULT-VALUE}).")
    Parallelism.Mode mode;

    @Option(names = "--mesh-port", paramLabel = "PORT", defaultValue = "40123",
            description = "With shared gradients, the UDP port the executors' mesh uses (default: ${DEFAULT-VALUE}).")
    int meshPort;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs (default: the architecture's own).")
    Integer epochs;

    @Option(names = "--batch-size", paramLabel = "N", description = "Batch size per worker (default: the architecture's own).")
    Integer batchSize;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
            description = "Train on at most N images; 0 = all (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--val-size", paramLabel = "N", defaultValue = "5000",
            description = "Training images held out for validation (default: ${DEFAULT-VALUE}).")
    int valSize;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
            description = "Seed of the split, the weights and the batch order (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--max-minutes", paramLabel = "M", defaultValue = "0",
            description = "Stop training after M minutes; 0 = no limit (default: ${DEFAULT-VALUE}).")
    double maxMinutes;

    @Option(names = "--out", paramLabel = "DIR", description = "Where run folders go (default: runs/ in the project).")
    Path out;

    @Option(names = "--data-url", paramLabel = "URI",
            description = "Fashion-MNIST on a Hadoop file system (hdfs://, file://): the driver copies and "
                    + "checks its four files (default: --data-dir and the usual places).")
    URI dataUrl;

    @Option(names = "--batch-dir", paramLabel = "URI",
            description = "A folder every Worker reads (a shared mount as file:///..., or hdfs://...): the driver writes "
                    + "the training batches there once (every epoch if the architecture augments) and the executors "
                    + "read them, so only file names travel in the tasks (default: the batches travel in the tasks).")
    URI batchDir;

    @Option(names = "--executor-wait", paramLabel = "S", defaultValue = "120",
            description = "On a cluster, seconds to wait for the first executor before giving up (default: ${DEFAULT-VALUE}; "
                    + "--max-minutes, if shorter, wins).")
    int executorWait;

    @Option(names = "--resume", paramLabel = "RUN_DIR",
            description = "Continue the run in RUN_DIR from its last checkpoint, to its --epochs; the options not given "
                    + "keep the run's values.")
    Path resume;

    @Spec
    CommandSpec spec;

    @Option(names = "--kryo", description = "Serialise with Kryo and ND4J's registrator instead of Java serialisation.")
    boolean kryo;

    @Option(names = "--spark-conf", paramLabel = "KEY=VALUE",
            description = "Any Spark setting, for example spark.executor.memory=4g (repeatable).")
    Map<String, String> sparkConf = new LinkedHashMap<>();

    private static final String TIME_SOURCE = "org.deeplearning4j.spark.time.TimeSource";
    private static final String SYSTEM_CLOCK = "org.deeplearning4j.spark.time.SystemClockTimeSource";
    private static final Map<String, String> AERON = Map.of("aeron.publication.unblock.timeout", "60000000000",
            "aeron.client.liveness.timeout", "20000000000");

    public static void main(String[] args) {
        Cli.main(new SparkTrain(), args);
    }

    @Override
    public Integer call() {
        common.apply();
        common.validate();
        if (averagingFrequency < 1) {
            throw new UserError("--averaging-frequency must be positive, got " + averagingFrequency + ".");
        }
        if (workers < 0) {
            throw new UserError("--workers must be 0 (Spark's default parallelism) or positive, got " + workers + ".");
        }
        if (executorWait < 1) {
            throw new UserError("--executor-wait must be at least 1 second, got " + executorWait + ".");
        }
        Architecture a = architecture(arch);
        SparkVersions.check();
        try (JavaSparkContext sc = SparkVersions.context(sparkConf(a))) {
            sc.sc().uiWebUrl().foreach(url -> {
                System.out.println("Spark UI: " + url);
                return null;
            });
            awaitExecutors(sc, sc.master(), executorWaitSeconds(), workers);
            int n = workers > 0 ? workers : sc.defaultParallelism();
            TrainingConfig t = settings(a, n);
            if (dataUrl != null) {
                t = t.withData(t.limit(), t.valSize(), HadoopData.fetch(dataUrl, sc.hadoopConfiguration()));
            }
            List<SparkFit> fits = new ArrayList<>();
            List<BatchFolder> folders = new ArrayList<>();
            StopSignal stop = new StopSignal();
            FashionTraining.Spec spec = a.spec().apply(t);
            FashionTraining.Outcome o;
            try (Cli.SignalHook hook = Cli.stopOnSignalBeforeShutdown(stop)) {
                o = FashionTraining.run(spec, t, stop, (graph, tt, run) -> {
                    BatchFolder folder = batchDir == null ? null : new BatchFolder(batchDir,
                            run.dir().getParent().getFileName() + "-" + run.dir().getFileName(), sc.hadoopConfiguration());
                    if (folder != null) {
                        folders.add(folder);
                        System.out.println("Spark: batches for the executors in " + folder.location());
                    }
                    SparkFit fit = new SparkFit(sc, graph, trainingMaster(sc, tt, n), n,
                            mode == Parallelism.Mode.SHARED_GRADIENTS ? Integer.MAX_VALUE : n * averagingFrequency,
                            folder, spec.augmentation().isNone(), tt.seed());
                    fits.add(fit);
                    return fit;
                });
            } finally {
                folders.forEach(BatchFolder::close);
            }
            if (!fits.isEmpty()) {
                writeStats(fits.get(0), o.run().dir().resolve("spark-stats.html"), sc);
            }
            return o.training().outcome() == Trainer.Outcome.INTERRUPTED ? Cli.INTERRUPTED : 0;
        }
    }

    private int executorWaitSeconds() {
        return maxMinutes > 0 ? (int) Math.max(1, Math.min(executorWait, Math.ceil(maxMinutes * 60))) : executorWait;
    }

    /**
     * On a cluster the context starts before any executor: a Master without Workers (or without free cores or memory)
     * would leave the first round waiting for ever, and Spark's default parallelism would count no executor yet.
     */
    static void awaitExecutors(JavaSparkContext sc, String master, int seconds, int workers) {
        if (master.startsWith("local")) {
            return;
        }
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        // Executors join one by one: after the first, a few seconds more for as many as --workers asks, so that the
        // first rounds do not run on one while the others start (the run goes on with those there are).
        long grace = Long.MAX_VALUE;
        while (executors(sc) < Math.max(1, workers)) {
            if (executors(sc) >= 1) {
                grace = Math.min(grace, System.nanoTime() + 10_000_000_000L);
                if (System.nanoTime() > grace) {
                    break;
                }
            }
            if (executors(sc) == 0 && System.nanoTime() > end) {
                throw new UserError("--master " + master + ": no executor joined within " + seconds + " s. Start "
                        + "Workers for that master, or give them the cores and memory this application asks "
                        + "(spark.executor.memory, spark.executor.cores; the master's web page shows both); "
                        + "--executor-wait sets how long to wait.");
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UserError("--master " + master + ": interrupted while waiting for executors.");
            }
        }
        System.out.println("Spark: " + executors(sc) + " executor(s) joined");
    }

    private static int executors(JavaSparkContext sc) {
        return sc.sc().statusTracker().getExecutorInfos().length - 1; // the driver is listed too
    }

    /** Parameter averaging through the driver, or shared gradients between the executors. */
    private TrainingMaster<?, ?> trainingMaster(JavaSparkContext sc, TrainingConfig t, int n) {
        if (mode == Parallelism.Mode.SHARED_GRADIENTS) {
            return new SharedTrainingMaster.Builder(mesh(sc), t.batchSize())
                    .batchSizePerWorker(t.batchSize())
                    .workersPerNode(n)
                    .rngSeed(t.seed())
                    .collectTrainingStats(true)
                    .build();
        }
        return averaging(n, t.batchSize(), averagingFrequency, t.seed());
    }

    /** dl4j-spark's parameter averaging as this command sets it up. */
    static ParameterAveragingTrainingMaster averaging(int workers, int batchSize, int averagingFrequency, long seed) {
        // the number of workers given, not left to the master: dl4j-spark M2 reads it from a null network in
        // fitPaths on a ComputationGraph otherwise (NullPointerException)
        return new ParameterAveragingTrainingMaster.Builder(workers, batchSize)
                .batchSizePerWorker(batchSize)
                .averagingFrequency(averagingFrequency)
                .workerPrefetchNumBatches(2)
                // Each round's batches travel in its tasks, or their names do (--batch-dir). dl4j-spark's default,
                // Export, writes them to the default Hadoop file system and reads them back: it refuses a cluster
                // whose default is file:// (a batch written on one node is not on the others), and left folders under
                // hadoop.tmp.dir after local runs.
                .rddTrainingApproach(RDDTrainingApproach.Direct)
                // the round arrives as one partition per worker already; "Always" would shuffle it again every round
                .repartionData(Repartition.NumPartitionsWorkersDiffers)
                // Adam's moments are averaged with the parameters; without this the driver's copy never changed and
                // went out again, unchanged, every round
                .saveUpdater(true)
                .rngSeed(seed)
                .collectTrainingStats(true)
                .build();
    }

    /** dl4j-spark's timing charts of the last round; the run is complete without them, so a failure only warns. */
    private static void writeStats(SparkFit fit, Path html, JavaSparkContext sc) {
        if (fit.stats() == null) {
            return;
        }
        try {
            StatsUtils.exportStatsAsHtml(fit.stats(), html.toString(), sc);
            System.out.println("Spark training statistics: " + html);
        } catch (Exception e) {
            System.err.println("warning: could not write " + html + ": " + e.getMessage());
        }
    }

    /** Where the executors' mesh meets: the driver's address, on the network that address belongs to. */
    private VoidConfiguration mesh(JavaSparkContext sc) {
        String driver = sc.getConf().get("spark.driver.host", "127.0.0.1");
        String mask = driver.startsWith("127.") ? "127.0.0.0/8" : driver.replaceAll("\\.\\d+$", ".0") + "/24";
        return VoidConfiguration.builder().unicastPort(meshPort).controllerAddress(driver).networkMask(mask).build();
    }

    /** The architecture's own settings, with what was asked here and one worker per partition. */
    TrainingConfig settings(Architecture a, int n) {
        if (resume != null) {
            // the run's own settings, with only what was given here over them; resumable refuses a change that
            // would make it another run (the data, the split, the optimiser)
            TrainingConfig recorded = RunConfig.read(resume).training();
            TrainingConfig asked = recorded
                    .withData(given("--limit") ? limit : recorded.limit(),
                            given("--val-size") ? valSize : recorded.valSize(), common.dataDir)
                    .withSeed(given("--seed") ? seed : recorded.seed())
                    .withLimits(recorded.maxBatches(), maxMinutes).withOut(out).withThreads(common.threads)
                    .withParallel(new Parallelism(n, mode, averagingFrequency))
                    .withEpochs(epochs != null ? epochs : recorded.epochs())
                    .withBatchSize(batchSize != null ? batchSize : recorded.batchSize());
            return TrainingRuns.resumable(resume, recorded, asked);
        }
        TrainingConfig t = a.training().withData(limit, valSize, common.dataDir).withSeed(seed)
                .withLimits(0, maxMinutes).withOut(out).withThreads(common.threads)
                .withParallel(new Parallelism(n, mode, averagingFrequency));
        if (epochs != null) {
            t = t.withEpochs(epochs);
        }
        if (batchSize != null) {
            t = t.withBatchSize(batchSize);
        }
        return t.validate();
    }

    private boolean given(String option) {
        return spec != null && spec.commandLine().getParseResult() != null
                && spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    private SparkConf sparkConf(Architecture a) {
        // dl4j-spark's statistics ask an internet NTP server for the time by default, ten times, then fail the run;
        // the machines' own clocks serve (a cluster's are kept in step by the OS).
        System.setProperty(TIME_SOURCE, SYSTEM_CLOCK);
        // dl4j-spark-parameterserver M2 sets Aeron's client liveness timeout (30 s) above its publication unblock
        // timeout (15 s), which Aeron refuses (deeplearning4j/deeplearning4j#9677); these two restore Aeron's own order.
        AERON.forEach(System::setProperty);
        // Each round's batches travel inside its tasks (the driver made them), which Spark warns of every round.
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.spark.scheduler.TaskSetManager", "error");
        SparkConf conf = new SparkConf(); // with spark-submit's settings, which arrive as spark.* properties
        conf.setMaster(master != null ? master : conf.get("spark.master", "local[*]"))
                .setAppName("nets spark-train " + a.id())
                .set("spark.executor.extraJavaOptions", (conf.get("spark.executor.extraJavaOptions", "") + " -D"
                        + TIME_SOURCE + "=" + SYSTEM_CLOCK + AERON.entrySet().stream()
                        .map(e -> " -D" + e.getKey() + "=" + e.getValue()).collect(Collectors.joining())).trim());
        if (kryo) {
            conf.set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                    .set("spark.kryo.registrator", "org.nd4j.kryo.Nd4jRegistrator");
        }
        sparkConf.forEach(conf::set);
        return conf;
    }

    static Architecture architecture(String id) {
        List<Architecture> all = Architecture.registered();
        return all.stream().filter(a -> a.id().equals(id)).findFirst().orElseThrow(() -> new UserError(
                "--arch " + id + ": no such architecture; registered: "
                        + String.join(", ", all.stream().map(Architecture::id).toList()) + "."));
    }
}
