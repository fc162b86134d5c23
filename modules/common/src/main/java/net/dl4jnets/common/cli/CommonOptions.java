package net.dl4jnets.common.cli;

import java.nio.file.Path;

import net.dl4jnets.common.io.UserError;
import net.dl4jnets.engine.Engine;
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

    @Option(names = "--engine", paramLabel = "stock|fast",
            description = "What runs the network: DL4J's own layers (stock), or the suite's CPU kernels under the same "
                    + "layers (fast: the default on the CPU backend; any other backend runs stock; -D"
                    + Engine.PROPERTY + " sets the default). Model files are stock DL4J either way.")
    public String engine = Engine.asked().toString();

    public CommonOptions() {
        this(0, null);
    }

    CommonOptions(int threads, Path dataDir) {
        this.threads = threads;
        this.dataDir = dataDir;
    }

    /**
     * Turns on chatty logging if asked, which must happen before the first logger is made, and chooses the engine:
     * commands call it first.
     */
    public void apply() {
        if (verbose) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
        }
        Engine.Choice choice = Engine.Choice.named(engine);
        if (choice == null) {
            throw new UserError("--engine must be stock or fast, got '" + engine + "'.");
        }
        Engine.choose(choice);
    }

    public void validate() {
        if (threads < 0) {
            throw new UserError("--threads must be 0 (automatic) or positive, got " + threads + ".");
        }
    }
}
