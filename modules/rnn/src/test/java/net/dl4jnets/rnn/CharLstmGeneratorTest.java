package net.dl4jnets.rnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dl4jnets.common.cli.Cli;
import net.dl4jnets.common.cli.TextCommand;
import net.dl4jnets.common.commands.Generate;
import net.dl4jnets.common.data.TextCorpus;
import net.dl4jnets.common.io.UserError;
import net.dl4jnets.common.report.PngAssert;
import net.dl4jnets.common.train.RunConfig;
import net.dl4jnets.common.train.StopSignal;
import net.dl4jnets.common.train.TextTraining;
import picocli.CommandLine;

class CharLstmGeneratorTest {
    static final String PATTERN = "the cat sat on the mat.\n";

    @TempDir
    Path dir;

    Path corpus(String text) throws Exception {
        return Files.writeString(dir.resolve("corpus-" + text.hashCode() + ".txt"), text);
    }

    TextTraining.Outcome train(Path corpus, String... extra) {
        var g = TextCommand.of(CharLstmGenerator.MODEL);
        String[] base = {"--corpus", corpus.toString(), "--out", dir.resolve("runs").toString(), "--hidden", "32",
                "--layers", "1", "--seq-length", "60", "--tbptt", "30", "--batch-size", "16", "--lr", "0.02",
                "--sample-length", "48"};
        String[] all = Stream.concat(Arrays.stream(base), Arrays.stream(extra))
                .toArray(String[]::new);
        Cli.commandLine(g).parseArgs(all);
        return g.run(new StopSignal());
    }

    @Test
    void learnsARepeatedPatternAndWritesItBack() throws Exception {
        TextTraining.Outcome o = train(corpus(PATTERN.repeat(400)), "--epochs", "6");
        int v = (int) PATTERN.chars().distinct().count();
        assertEquals(Math.log(v), o.initialLoss(), 0.15, "an untrained model is about as good as uniform guessing");
        assertTrue(o.bestValidationLoss() < 0.1, "validation loss " + o.bestValidationLoss());
        assertTrue(o.testLoss() < 0.1, "held-out test loss " + o.testLoss());
        String eval = Files.readString(o.run().resolve("eval.json"));
        assertTrue(eval.contains("\"test_reading\": \"streams\"") && eval.contains("test_loss_fresh_windows"), eval);
        var model = Generate.load(o.run());
        String text = TextGenerator.generate(model.graph(), model.vocabulary(), "the cat ", 60, 0.5, 0, 3, null);
        assertTrue(("the cat " + text).startsWith("the cat sat on the mat.\nthe cat sat on the mat."), text);
        PngAssert.valid(o.run().resolve("loss.png"), 900, 560);
        assertTrue(Files.readString(o.run().resolve("samples.txt")).contains("temperature 0.8"));
    }

    @Test
    void noTestLeavesTheHeldOutPartUnread() throws Exception {
        TextTraining.Outcome o = train(corpus(PATTERN.repeat(200)), "--epochs", "1", "--no-test");
        assertTrue(Double.isNaN(o.testLoss()), "--no-test evaluated the test part: " + o.testLoss());
        assertTrue(Files.isRegularFile(o.run().resolve("metrics.csv")));
        assertFalse(Files.exists(o.run().resolve("eval.json")), "eval.json holds the test loss");
        assertTrue(RunConfig.read(o.run()).training().noTest(), "config.json does not say the test was skipped");
    }

    /** The command as a user runs it: `generate --top-k 5` from a trained model writes the pattern it learnt. */
    @Test
    void theGenerateCommandWithTopKWritesWhatTheModelLearnt() throws Exception {
        TextTraining.Outcome o = train(corpus(PATTERN.repeat(400)), "--epochs", "6");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream stdout = System.out;
        System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        int code;
        try {
            code = net.dl4jnets.common.cli.Nets.run("generate", "--model", o.run().toString(), "--prompt", "the cat ",
                    "--length", "40", "--top-k", "5", "--temperature", "0.5", "--seed", "4");
        } finally {
            System.setOut(stdout);
        }
        String text = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, code, text);
        assertTrue(text.contains("the cat sat on the mat."), text);
        assertEquals(2, cli(new Generate(), "--model", o.run().toString(), "--top-k", "-1").code(),
                "a negative --top-k is refused");
    }

    @Test
    void generationIsDeterministicForASeedAndTheVocabularyRoundTrips() throws Exception {
        TextTraining.Outcome o = train(corpus(PATTERN.repeat(100)), "--epochs", "1");
        var model = Generate.load(o.run());
        assertEquals(TextCorpus.Vocabulary.of(PATTERN), model.vocabulary());
        String a = TextGenerator.generate(model.graph(), model.vocabulary(), "t", 80, 1.0, 0, 7, null);
        String b = TextGenerator.generate(model.graph(), model.vocabulary(), "t", 80, 1.0, 0, 7, null);
        String c = TextGenerator.generate(model.graph(), model.vocabulary(), "t", 80, 1.0, 0, 8, null);
        assertEquals(a, b);
        assertNotEquals(a, c);
    }

    record Run(int code, String err) {}

    Run cli(Object command, String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CommandLine cl = Cli.commandLine(command);
        cl.setErr(new PrintWriter(err, true));
        return new Run(cl.execute(args), err.toString());
    }

    @Test
    void badCorporaGetClearMessages() throws Exception {
        Path empty = Files.write(dir.resolve("empty.txt"), new byte[0]);
        Path tiny = Files.writeString(dir.resolve("tiny.txt"), "To be.");
        Path binary = Files.write(dir.resolve("model.bin"), new byte[] {1, 0, 2, 0, 3, 0, 'a', 'b'});
        Path latin1 = Files.write(dir.resolve("latin1.txt"), "caf\u00e9 au lait, ".repeat(50).getBytes(StandardCharsets.ISO_8859_1));
        String[][] cases = {{empty.toString(), "is empty"}, {tiny.toString(), "too short"},
                {binary.toString(), "looks binary"}, {latin1.toString(), "not valid UTF-8"},
                {dir.resolve("missing.txt").toString(), "does not exist"}};
        for (String[] c : cases) {
            Run r = cli(TextCommand.of(CharLstmGenerator.MODEL), "--corpus", c[0], "--out", dir.toString());
            assertEquals(2, r.code(), c[0]);
            assertTrue(r.err().contains(c[1]), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
    }

    @Test
    void badPromptsAndModelsGetClearMessages() throws Exception {
        TextTraining.Outcome o = train(corpus(PATTERN.repeat(100)), "--epochs", "1");
        Run prompt = cli(new Generate(), "--model", o.run().toString(), "--prompt", "THE CAT");
        assertEquals(2, prompt.code());
        assertTrue(prompt.err().contains("characters the model never saw: \"THECA\""), prompt.err());

        Path fake = Files.createDirectories(dir.resolve("mlp-run"));
        Files.writeString(fake.resolve("config.json"), Files.readString(o.run().resolve("config.json"))
                .replace("\"model\": \"char-lstm\"", "\"model\": \"mlp\""));
        Files.copy(o.run().resolve("model.zip"), fake.resolve("model.zip"));
        Run notText = cli(new Generate(), "--model", fake.toString());
        assertEquals(2, notText.code());
        assertTrue(notText.err().contains("is a mlp model, not a text model"), notText.err());

        UserError garbage = assertThrows(UserError.class, () -> Generate.load(corpus("not a zip")));
        assertTrue(garbage.getMessage().contains("not a finished text-model run folder")
                || garbage.getMessage().contains("not a text model"), garbage.getMessage());
    }
}
