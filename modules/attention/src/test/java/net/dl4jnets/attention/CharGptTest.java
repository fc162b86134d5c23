package net.dl4jnets.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import net.dl4jnets.common.cli.Cli;
import net.dl4jnets.common.cli.TextCommand;
import net.dl4jnets.common.commands.Generate;
import net.dl4jnets.common.data.TextCorpus;
import net.dl4jnets.common.train.StopSignal;
import net.dl4jnets.common.train.TextSampler;
import net.dl4jnets.common.train.TextTraining;
import net.dl4jnets.common.train.TrainingConfig;
import picocli.CommandLine;

class CharGptTest {
    static final String PATTERN = "the cat sat on the mat.\n";

    @TempDir
    Path dir;

    TextTraining.Outcome train(String text, String... extra) throws Exception {
        Path corpus = Files.writeString(dir.resolve("corpus-" + text.hashCode() + ".txt"), text);
        var g = TextCommand.of(CharGpt.MODEL);
        String[] base = {"--corpus", corpus.toString(), "--out", dir.resolve("runs").toString(), "--block-size", "32",
                "--layers", "1", "--width", "32", "--heads", "2", "--dropout", "0", "--batch-size", "16",
                "--sample-length", "48"};
        Cli.commandLine(g).parseArgs(Stream.concat(Arrays.stream(base), Arrays.stream(extra)).toArray(String[]::new));
        return g.run(new StopSignal());
    }

    @Test
    void itGivesNextCharacterProbabilitiesAtEveryPosition() {
        var c = new CharGpt.Config(11, 16, 2, 32, 4, 0.1);
        ComputationGraph g = new ComputationGraph(CharGpt.graph(c, TrainingConfig.DEFAULTS));
        g.init();
        var out = g.outputSingle(Nd4j.rand(DataType.FLOAT, 3, 11, 16));
        assertArrayEquals(new long[] {3, 11, 16}, out.shape());
        assertEquals(3 * 16, out.sumNumber().doubleValue(), 1e-3, "a distribution at every position");
    }

    @Test
    void oneReadingGivesTheNextCharacterAndWhereEveryHeadLooks() {
        var vocab = TextCorpus.Vocabulary.of(PATTERN);
        var c = new CharGpt.Config(vocab.size(), 16, 2, 32, 4, 0);
        ComputationGraph g = new ComputationGraph(CharGpt.graph(c, TrainingConfig.DEFAULTS));
        g.init();
        for (String text : new String[] {"the cat", PATTERN.repeat(2)}) { // inside the window, and past it
            TextSampler.Reading r = CharGpt.read(g, vocab, text);
            int used = Math.min(text.length(), 16);
            var window = Nd4j.zeros(DataType.FLOAT, 1, vocab.size(), 16);
            for (int t = 0; t < used; t++) {
                window.putScalar(0, vocab.index(text.charAt(text.length() - used + t)), t, 1);
            }
            double[] expected = g.outputSingle(window).get(NDArrayIndex.point(0), NDArrayIndex.all(),
                    NDArrayIndex.point(used - 1)).toDoubleVector();
            assertArrayEquals(expected, r.next(), 1e-6, text);
            assertEquals(2, r.attention().size(), "one entry per block");
            for (double[][] heads : r.attention()) {
                assertEquals(4, heads.length);
                for (double[] row : heads) {
                    assertEquals(used, row.length, "the last character's weights over its window");
                    assertEquals(1, Arrays.stream(row).sum(), 1e-5);
                }
            }
        }
    }

    @Test
    void learnsARepeatedPatternAndWritesItBackTheSameForASeed() throws Exception {
        // One replica: two average their weights in an order the threads decide, so a run would not repeat itself.
        TextTraining.Outcome o = train(PATTERN.repeat(400), "--epochs", "20", "--lr", "0.003", "--workers", "1");
        assertTrue(o.bestValidationLoss() < 0.1, "validation loss " + o.bestValidationLoss());
        assertTrue(o.testLoss() < 0.1, "held-out test loss " + o.testLoss());
        Generate.TextModel m = Generate.load(o.run());
        // 80 characters: past the 32-character window, so it also writes from windows that start mid-sentence.
        String text = m.write("the cat ", 80, 0.5, 0, 3);
        assertEquals(PATTERN.repeat(4).substring(8, 88), text);
        assertEquals(m.write("t", 60, 1.0, 0, 7), m.write("t", 60, 1.0, 0, 7));
        // The model is near certain (test loss about 0.003 nats/char), so only a high temperature leaves the seed a
        // choice: at 1.5 two seeds wrote the same 60 characters.
        assertNotEquals(m.write("t", 60, 4.0, 0, 7), m.write("t", 60, 4.0, 0, 8));
        assertTrue(Files.readString(o.run().resolve("samples.txt")).contains("temperature 0.8"));
    }

    record Run(int code, String err) {}

    static Run cli(Object command, String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CommandLine cl = Cli.commandLine(command);
        cl.setErr(new PrintWriter(err, true));
        return new Run(cl.execute(args), err.toString());
    }

    @Test
    void badSettingsGetOneLineEach() throws Exception {
        Path corpus = Files.writeString(dir.resolve("short.txt"), PATTERN.repeat(20)); // 480 characters
        String[][] cases = {{"--heads", "5", "--heads 5 must divide --width 96"},
                {"--block-size", "200", "too short"}, {"--block-size", "1", "--block-size must be at least 2"}};
        for (String[] c : cases) {
            Run r = cli(TextCommand.of(CharGpt.MODEL), "--corpus", corpus.toString(), "--out", dir.toString(), c[0],
                    c[1]);
            assertEquals(2, r.code(), String.join(" ", c) + ": " + r.err());
            assertTrue(r.err().contains(c[2]), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
    }
}
