package net.dl4jnets.mlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dl4jnets.common.cli.Cli;
import net.dl4jnets.common.cli.FashionCommand;
import net.dl4jnets.common.train.RunConfig;
import net.dl4jnets.common.train.RunFolder;
import picocli.CommandLine;

/** Resume restores the run from its record, not from the command line. */
class ResumeTest {
    @TempDir
    static Path out;
    static Path run;

    record Result(int code, String err) {}

    static Result nets(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CommandLine cl = Cli.commandLine(FashionCommand.of(FashionMlp.MODEL));
        cl.setErr(new PrintWriter(err, true));
        return new Result(cl.execute(args), err.toString());
    }

    @BeforeAll
    static void oneEpochOfASmallNonDefaultMlp() throws Exception {
        assertEquals(0, nets("--limit", "600", "--val-size", "200", "--epochs", "1", "--hidden", "32",
                "--seed", "7", "--out", out.toString()).code());
        try (Stream<Path> runs = Files.list(out.resolve("mlp"))) {
            run = runs.findFirst().orElseThrow();
        }
    }

    @Test
    void optionsThatWouldChangeTheDataOrTheModelAreRefusedByName() {
        int before = RunFolder.open(run).state().epochsDone();
        String[][] cases = {{"--seed", "99"}, {"--val-size", "300"}, {"--limit", "700"}, {"--batch-size", "64"},
                {"--hidden", "64"}, {"--dropout", "0.5"}, {"--monitor", "val-accuracy"}};
        for (String[] c : cases) {
            Result r = nets("--resume", run.toString(), c[0], c[1], "--epochs", "2");
            assertEquals(2, r.code(), String.join(" ", c) + ": " + r.err());
            assertTrue(r.err().contains(c[0]), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
        assertEquals(before, RunFolder.open(run).state().epochsDone(), "nothing was trained");
    }

    /** A copy of the run folder, to break without touching the run the other tests resume. */
    static Path copy(String name) throws Exception {
        Path to = out.resolve(name);
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(run)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        return to;
    }

    @Test
    void aCorruptStateFileOrCheckpointIsOneLineAndExitCode2() throws Exception {
        Path badState = copy("bad-state");
        Files.writeString(badState.resolve("state.json"), "{\"epochs_done\": ");
        Result r = nets("--resume", badState.toString(), "--epochs", "2");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("state.json") && r.err().contains("not valid JSON"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());

        Path badCheckpoint = copy("bad-checkpoint");
        Path checkpoint = RunFolder.open(badCheckpoint).checkpoint();
        Files.writeString(checkpoint, "not a zip");
        r = nets("--resume", badCheckpoint.toString(), "--epochs", "2");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(checkpoint.getFileName().toString())
                && r.err().contains("not a DL4J ComputationGraph model file"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void aValidationRunResumedWithTestReadsTheTestSplitAtItsEnd(@TempDir Path elsewhere) throws Exception {
        assertEquals(0, nets("--limit", "600", "--val-size", "200", "--epochs", "1", "--hidden", "16", "--no-test",
                "--out", elsewhere.toString()).code());
        Path validationRun;
        try (Stream<Path> runs = Files.list(elsewhere.resolve("mlp"))) {
            validationRun = runs.findFirst().orElseThrow();
        }
        assertFalse(Files.exists(validationRun.resolve("eval.json")));
        Result r = nets("--resume", validationRun.toString(), "--epochs", "2", "--test");
        assertEquals(0, r.code(), r.err());
        assertFalse(RunConfig.read(validationRun).training().noTest(), "the record still says --no-test");
        assertTrue(Files.isRegularFile(validationRun.resolve("eval.json")), "the test split was not read");
    }

    @Test
    void moreEpochsAreTakenAndRecordedWithEverythingElseFromTheRecord() {
        // The command's defaults (seed 42, no limit, 1024-512-256) differ from the run's; the run's record wins.
        Result r = nets("--resume", run.toString(), "--epochs", "2", "--seed", "7", "--workers", "2");
        assertEquals(0, r.code(), r.err());
        RunConfig c = RunConfig.read(run);
        assertEquals(2, c.training().epochs());
        assertEquals(2, c.training().parallel().workers(), "how many replicas train may change, and is recorded");
        assertEquals(7, c.training().seed());
        assertEquals(600, c.training().limit());
        assertEquals(List.of(32), c.hyperParameters(FashionMlp.Config.class).hidden());
        assertEquals(2, RunFolder.open(run).state().epochsDone());
    }
}
