package net.dl4jnets.common.cli;

import java.nio.file.Path;

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

    @Option(names = "--out", paramLabel = "DIR",
            description = "Where run folders go: DIR/<model>/<timestamp>/ (default: runs/ in the project).")
    public Path out;

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
