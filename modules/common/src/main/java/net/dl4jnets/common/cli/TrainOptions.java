package net.dl4jnets.common.cli;

import java.nio.file.Path;

import net.dl4jnets.common.train.LrSchedule;
import net.dl4jnets.common.train.Monitor;
import net.dl4jnets.common.train.Parallelism;
import net.dl4jnets.common.train.TrainingConfig;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The command-line face of {@link TrainingConfig}, and the only bridge from picocli to it ({@link #toConfig()}).
 * Every field starts at the model's own defaults, which picocli takes as the options' defaults and shows in
 * {@code --help}.
 */
public class TrainOptions {
    @Mixin
    public CommonOptions common;

    @Option(names = "--epochs", paramLabel = "N", description = "Training epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", paramLabel = "N", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", paramLabel = "RATE", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--lr-schedule", paramLabel = "KIND",
            description = "Learning rate per epoch: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    LrSchedule lrSchedule;

    @Option(names = "--clip-norm", paramLabel = "X",
            description = "Rescale each layer's gradient to an L2 norm of at most X; 0 = off (default: ${DEFAULT-VALUE}).")
    double clipNorm;

    @Option(names = "--seed", paramLabel = "N",
            description = "Seed for weights, data order, dropout and augmentation (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--limit", paramLabel = "N",
            description = "Train on at most N examples, for a quick look; 0 = all (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--val-size", paramLabel = "N",
            description = "Training examples held out for validation (default: ${DEFAULT-VALUE}).")
    int valSize;

    @Option(names = "--patience", paramLabel = "N",
            description = "Stop after N epochs without a better validation score; 0 = never (default: ${DEFAULT-VALUE}).")
    int patience;

    @Option(names = "--max-batches", paramLabel = "N",
            description = "Stop each epoch after N batches, for smoke tests; 0 = all (default: ${DEFAULT-VALUE}).")
    int maxBatches;

    @Option(names = "--max-minutes", paramLabel = "M",
            description = "Stop training after M minutes, mid-epoch if need be; 0 = no limit (default: ${DEFAULT-VALUE}).")
    double maxMinutes;

    @Option(names = "--workers", paramLabel = "N",
            description = "Train N replicas at once with DL4J's ParallelWrapper, each on its own batches and "
                    + "threads/N CPU threads; 0 = one on a CPU, one per GPU with CUDA (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--parallel-mode", paramLabel = "MODE",
            description = "How replicas agree: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Parallelism.Mode parallelMode;

    @Option(names = "--averaging-frequency", paramLabel = "N",
            description = "With averaging, rounds (one batch per worker) between averagings (default: ${DEFAULT-VALUE}).")
    int averagingFrequency;

    @Option(names = "--monitor", paramLabel = "SCORE",
            description = "The validation score that picks the epoch kept and tested, and that --patience watches: "
                    + "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Monitor monitor;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Where run folders go: DIR/<model>/<timestamp>/ (default: runs/ in the project).")
    Path out;

    @Option(names = "--no-test", negatable = true, fallbackValue = "true",
            description = "Stop after training without reading the test split: for choosing a recipe on the "
                    + "validation split, so the test set is read once per final run. --test with --resume reads "
                    + "it after all.")
    boolean noTest;

    @Option(names = "--ui", description = "Start DL4J's live training dashboard in the browser.")
    boolean ui;

    @Option(names = "--ui-port", paramLabel = "PORT", description = "Port of the dashboard (default: ${DEFAULT-VALUE}).")
    int uiPort;

    @Option(names = "--resume", paramLabel = "RUN_DIR", description = "Continue the run in RUN_DIR from its last checkpoint.")
    Path resume;

    /** Options that start at these defaults. */
    public TrainOptions(TrainingConfig d) {
        common = new CommonOptions(d.threads(), d.dataDir());
        epochs = d.epochs();
        batchSize = d.batchSize();
        lr = d.lr();
        lrSchedule = d.lrSchedule();
        clipNorm = d.clipNorm();
        seed = d.seed();
        limit = d.limit();
        valSize = d.valSize();
        patience = d.patience();
        maxBatches = d.maxBatches();
        maxMinutes = d.maxMinutes();
        workers = d.parallel().workers();
        parallelMode = d.parallel().mode();
        averagingFrequency = d.parallel().averagingFrequency();
        out = d.out();
        ui = d.ui();
        uiPort = d.uiPort();
        resume = d.resume();
        noTest = d.noTest();
        monitor = d.monitor();
    }

    /** The settings the command line asked for (not yet validated: {@link TrainingConfig#validate()}). */
    public TrainingConfig toConfig() {
        return new TrainingConfig(epochs, batchSize, lr, lrSchedule, clipNorm, seed, limit, valSize, patience,
                maxBatches, maxMinutes, common.threads,
                new Parallelism(workers, parallelMode, averagingFrequency), out, common.dataDir, ui, uiPort, resume,
                noTest, monitor);
    }
}
