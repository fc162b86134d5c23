package net.dl4jnets.common.cli;

import java.nio.file.Path;

import net.dl4jnets.common.io.UserError;
import picocli.CommandLine.Option;

/** Options every program that touches data or the backend takes. */
public class CommonOptions {
    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Folder holding the Fashion-MNIST IDX files (default: $FASHION_MNIST_DIR, data/fashion-mnist, "
                    + "/usr/share/datasets/fashion-mnist, else download).")
    public Path dataDir;

    @Option(names = "--threads", paramLabel = "N",
            description = "CPU threads for ND4J (default: 0 = measured best for this kind of model).")
    public int threads;

    @Option(names = "--verbose", description = "Show ND4J's and DL4J's own INFO logging.")
    public boolean verbose;

    public CommonOptions() {
        this(0, null);
    }

    CommonOptions(int threads, Path dataDir) {
        this.threads = threads;
        this.dataDir = dataDir;
    }

    /** Turns on chatty logging if asked; must run before the first logger is made, so commands call it first. */
    public void applyLogging() {
        if (verbose) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
        }
    }

    public void validate() {
        if (threads < 0) {
            throw new UserError("--threads must be 0 (automatic) or positive, got " + threads + ".");
        }
    }
}
