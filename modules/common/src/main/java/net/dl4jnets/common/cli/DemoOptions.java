package net.dl4jnets.common.cli;

import java.nio.file.Path;

import net.dl4jnets.common.data.DataPaths;
import net.dl4jnets.common.train.RunFolder;
import picocli.CommandLine.Option;

/** The options of the small teaching demos: where their pictures go, and the seed. */
public class DemoOptions {
    @Option(names = "--out", paramLabel = "DIR",
            description = "Where output folders go: DIR/<demo>/<timestamp>/ (default: runs/ in the project).")
    public Path out;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
    public long seed;

    /** A fresh folder for this demo's files. */
    public RunFolder folder(String demo) {
        return RunFolder.create(out != null ? out : DataPaths.home().resolve("runs"), demo);
    }
}
