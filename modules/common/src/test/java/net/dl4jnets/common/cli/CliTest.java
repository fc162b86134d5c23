package net.dl4jnets.common.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import net.dl4jnets.common.train.LrSchedule;
import net.dl4jnets.common.train.StopSignal;
import net.dl4jnets.common.train.Trainer;
import net.dl4jnets.common.train.TrainingConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class CliTest {
    /** A command with the shared training options that validates and does nothing else. */
    @Command(name = "probe", mixinStandardHelpOptions = true)
    static final class Probe extends ModelCommand<Probe.Config> {
        record Config(int width) {}

        @CommandLine.Option(names = "--width")
        int width = 4;

        TrainingConfig seen;

        Probe() {
            super(TrainingConfig.DEFAULTS.withEpochs(3).withBatchSize(16).withLr(0.01));
        }

        @Override
        protected Config config() {
            return new Config(width);
        }

        @Override
        protected void startFrom(Config c) {
            width = c.width();
        }


        @Override
        protected Trainer.Outcome train(Config c, TrainingConfig t, StopSignal stop) {
            seen = t;
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
            "--no-such-option  | Unknown option: '--no-such-option'"})
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
