package net.dl4jnets.common.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import net.dl4jnets.common.io.Param;
import net.dl4jnets.common.io.UserError;
import net.dl4jnets.common.train.LrSchedule;
import net.dl4jnets.common.train.Model;
import net.dl4jnets.common.train.StopSignal;
import net.dl4jnets.common.train.Trainer;
import net.dl4jnets.common.train.TrainingConfig;
import picocli.CommandLine;

class CliTest {
    /** A command with the shared training options and its record's, that validates and does nothing else. */
    static final class Probe extends ModelCommand<Probe.Config> {
        record Config(@Param(value = "Channels", label = "N") int width, @Param("Mean or max") Pool pool,
                      @Param("Layer sizes") List<Integer> hidden, @Param("Batch norm") boolean batchNorm,
                      @Param("Flips") boolean flip, int vocabulary) {
            Config {
                if (width <= 0) {
                    throw new UserError("--width must be positive, got " + width + ".");
                }
            }
        }

        enum Pool { MEAN, MAX }

        static final Model.Images<Config> MODEL = new Model.Images<>("probe", "A probe.",
                new Config(4, Pool.MAX, List.of(8, 4), false, true, 7), TrainingConfig.DEFAULTS.withEpochs(3)
                .withBatchSize(16).withLr(0.01), null);

        TrainingConfig seen;
        Config model;

        Probe() {
            super(MODEL, MODEL.defaults(), MODEL.training());
        }

        @Override
        protected Trainer.Outcome train(Config c, TrainingConfig t, StopSignal stop) {
            seen = t;
            model = c;
            return Trainer.Outcome.COMPLETED;
        }
    }

    record Run(int code, String err, String out) {}

    static Run run(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CommandLine cl = Cli.commandLine(new Probe());
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(out, true));
        int code = cl.execute(args);
        return new Run(code, err.toString(), out.toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--epochs=-1       | --epochs must be positive, got -1",
            "--batch-size=0    | --batch-size must be positive, got 0",
            "--lr=-0.5         | --lr must be a positive number",
            "--limit=-3        | --limit must be 0 or positive",
            "--threads=-2      | --threads must be 0 (automatic) or positive",
            "--resume=/no/such | not a run folder",
            "--epochs=many     | Invalid value for option '--epochs'",
            "--lr-schedule=zig | Invalid value for option '--lr-schedule'",
            "--clip-norm=-1    | --clip-norm must be 0 (off) or a positive number",
            "--ui-port=70000   | --ui-port must be a port number",
            "--no-such-option  | Unknown option: '--no-such-option'",
            "--width=0         | --width must be positive, got 0",
            "--width=wide      | Invalid value for option '--width'",
            "--pool=median     | Invalid value for option '--pool'",
            "--hidden=8,x      | Invalid value for option '--hidden'"})
    void badValuesGetOneLineAndExitCode2(String arg, String expected) {
        Run r = run(arg.trim());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(expected.trim()), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertTrue(!r.err().contains("at net.") && !r.err().contains("Exception"), r.err());
    }

    @Test
    void helpShowsTheModelsDefaults() {
        Run r = run("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("Training epochs (default: 3)"), r.out());
        assertTrue(r.out().contains("(default: 0.01)"), r.out());
        assertTrue(r.out().contains("(default: 16)"), r.out());
        assertTrue(r.out().contains("--width=N") && r.out().contains("Channels (default: 4)."), r.out());
        assertTrue(r.out().contains("Layer sizes (default: 8,4)."), r.out());
        assertTrue(r.out().contains("--[no-]batch-norm"), r.out());
        assertTrue(!r.out().contains("--vocabulary"), "a component without @Param is no option: " + r.out());
    }

    @Test
    void theCommandLineBecomesTheModelsRecord() {
        Probe p = new Probe();
        assertEquals(0, Cli.commandLine(p).execute("--width", "9", "--pool", "mean", "--hidden", "3,2,1",
                "--batch-norm"));
        assertEquals(new Probe.Config(9, Probe.Pool.MEAN, List.of(3, 2, 1), true, true, 7), p.model);
        Probe flips = new Probe();
        assertEquals(0, Cli.commandLine(flips).execute("--no-flip"));
        assertEquals(false, flips.model.flip(), "--no-flip turns a default of true off");
        Probe still = new Probe();
        assertEquals(0, Cli.commandLine(still).execute("--flip", "--no-batch-norm"));
        assertEquals(true, still.model.flip(), "--flip keeps it on");
        assertEquals(false, still.model.batchNorm());
        Probe q = new Probe();
        assertEquals(0, Cli.commandLine(q).execute());
        assertEquals(Probe.MODEL.defaults(), q.model);
    }

    @Test
    void theCommandLineBecomesTheTrainingConfig() {
        Probe p = new Probe();
        assertEquals(0, Cli.commandLine(p).execute("--epochs", "7", "--lr-schedule", "cosine", "--threads", "1"));
        assertEquals(TrainingConfig.DEFAULTS.withEpochs(7).withBatchSize(16).withLr(0.01)
                .withLrSchedule(LrSchedule.COSINE).withThreads(1), p.seen);
    }

    @Test
    void launcherDiscoversRegisteredCommands() {
        assertTrue(Nets.discover().stream().map(Nets::name).toList().contains("data"));
    }
}
