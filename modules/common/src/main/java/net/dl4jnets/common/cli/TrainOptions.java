package net.dl4jnets.common.cli;

import java.nio.file.Path;

import net.dl4jnets.common.train.LrSchedule;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options every training program shares. Their defaults come from the model's hyper-parameter record, through
 * {@link ModelDefaults}, so {@code --help} shows the values that model really uses.
 */
public class TrainOptions {
    @Mixin
    public CommonOptions common = new CommonOptions();

    @Option(names = "--epochs", paramLabel = "N", description = "Training epochs (default: ${DEFAULT-VALUE}).")
    public int epochs;

    @Option(names = "--batch-size", paramLabel = "N", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    public int batchSize;

    @Option(names = "--lr", paramLabel = "RATE", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    public double lr;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
            description = "Seed for weights, data order, dropout and augmentation (default: ${DEFAULT-VALUE}).")
    public long seed;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
            description = "Train on at most N examples, for a quick look; 0 = all (default: ${DEFAULT-VALUE}).")
    public int limit;

    @Option(names = "--val-size", paramLabel = "N", defaultValue = "5000",
            description = "Training examples held out for validation (default: ${DEFAULT-VALUE}).")
    public int valSize;

    @Option(names = "--patience", paramLabel = "N", defaultValue = "0",
            description = "Stop after N epochs without a better validation score; 0 = never (default: ${DEFAULT-VALUE}).")
    public int patience;

    @Option(names = "--max-batches", paramLabel = "N", defaultValue = "0",
            description = "Stop each epoch after N batches, for smoke tests; 0 = all (default: ${DEFAULT-VALUE}).")
    public int maxBatches;

    @Option(names = "--max-minutes", paramLabel = "M", defaultValue = "0",
            description = "Stop training after M minutes, mid-epoch if need be; 0 = no limit (default: ${DEFAULT-VALUE}).")
    public double maxMinutes;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Where run folders go: DIR/<model>/<timestamp>/ (default: runs/ in the project).")
    public Path out;

    @Option(names = "--lr-schedule", paramLabel = "KIND", defaultValue = "constant",
            description = "Learning rate per epoch: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    public LrSchedule lrSchedule;

    @Option(names = "--clip-norm", paramLabel = "X", defaultValue = "0",
            description = "Rescale each layer's gradient to an L2 norm of at most X; 0 = off (default: ${DEFAULT-VALUE}).")
    public double clipNorm;

    @Option(names = "--ui", description = "Start DL4J's live training dashboard in the browser.")
    public boolean ui;

    @Option(names = "--ui-port", paramLabel = "PORT", defaultValue = "9000",
            description = "Port of the dashboard (default: ${DEFAULT-VALUE}).")
    public int uiPort;

    @Option(names = "--resume", paramLabel = "RUN_DIR", description = "Continue the run in RUN_DIR from its last checkpoint.")
    public Path resume;

    /** Rejects impossible values with one clear line each (exit code 2). */
    public void validate() {
        common.validate();
        positive("--epochs", epochs);
        positive("--batch-size", batchSize);
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new UserError("--lr must be a positive number, got " + lr + ".");
        }
        nonNegative("--limit", limit);
        nonNegative("--val-size", valSize);
        nonNegative("--patience", patience);
        nonNegative("--max-batches", maxBatches);
        if (!(maxMinutes >= 0) || Double.isInfinite(maxMinutes)) {
            throw new UserError("--max-minutes must be 0 (no limit) or a positive number, got " + maxMinutes + ".");
        }
        if (!(clipNorm >= 0) || Double.isInfinite(clipNorm)) {
            throw new UserError("--clip-norm must be 0 (off) or a positive number, got " + clipNorm + ".");
        }
        if (uiPort < 0 || uiPort > 65535) {
            throw new UserError("--ui-port must be a port number between 0 and 65535, got " + uiPort + ".");
        }
        if (resume != null && !resume.resolve("state.json").toFile().isFile()) {
            throw new UserError("--resume " + resume + ": not a run folder with a checkpoint (no state.json there).");
        }
    }

    private static void positive(String name, int v) {
        if (v <= 0) {
            throw new UserError(name + " must be positive, got " + v + ".");
        }
    }

    private static void nonNegative(String name, int v) {
        if (v < 0) {
            throw new UserError(name + " must be 0 or positive, got " + v + ".");
        }
    }
}
