package net.dl4jnets.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import net.dl4jnets.common.cli.Cli;
import net.dl4jnets.common.data.FashionMnistLocator;
import net.dl4jnets.common.io.Json;
import picocli.CommandLine;

/**
 * spark-train as a user runs it: in a JVM of its own started with the flags of jvm.options (this test JVM has none,
 * which the first test uses), on local[2], into a run folder that is complete.
 */
class SparkTrainTest {
    @TempDir
    Path out;

    record Run(int code, String output) {}

    /** java, the documented flags, a classpath, a main class and its arguments, in a child JVM. */
    static Run java(String classpath, String main, List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(Files.readAllLines(Path.of("jvm.options")).stream().filter(l -> !l.isBlank()).toList());
        cmd.add("--add-modules"); // as ./nets: the fast engine's kernels need the Vector API
        cmd.add("jdk.incubator.vector");
        cmd.add("-Dorg.bytedeco.javacpp.maxPhysicalBytes=0");
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(main);
        cmd.addAll(args);
        // output to a file, so that a hung child cannot block the read: the timeout is real, and kills it
        Path log = Files.createTempFile("spark-train", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean ended = p.waitFor(5, TimeUnit.MINUTES);
        if (!ended) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.deleteIfExists(log);
        assertTrue(ended, "the child JVM did not end within 5 minutes:\n" + output);
        return new Run(p.exitValue(), output);
    }

    static Run sparkTrain(String... args) throws IOException, InterruptedException {
        return java(System.getProperty("java.class.path"), SparkTrain.class.getName(), List.of(args));
    }

    /** The run folder is what every training command leaves, plus Spark's statistics, and the model learnt. */
    static void assertCompleteRun(Path runs, Run r) throws IOException {
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().contains("2 workers of"), r.output());
        Path run;
        try (var dirs = Files.list(runs.resolve("mlp"))) {
            run = dirs.findFirst().orElseThrow();
        }
        for (String f : new String[] {"config.json", "metrics.csv", "state.json", "model.zip", "eval.json",
                "loss.png", "accuracy.png", "confusion.png"}) {
            assertTrue(Files.isRegularFile(run.resolve(f)), f + " missing in " + run + "\n" + r.output());
        }
        double accuracy = Json.read(run.resolve("eval.json"), JsonObject.class).get("accuracy").getAsDouble();
        assertTrue(accuracy > 0.70, "test accuracy " + accuracy);
    }

    @ParameterizedTest
    @CsvSource({"averaging, false", "averaging, true", "shared-gradients, false"})
    void trainsOnLocalTwoIntoACompleteRunFolder(String mode, boolean kryo) throws Exception {
        List<String> args = new ArrayList<>(List.of("--arch", "mlp", "--limit", "5000", "--val-size", "1000",
                "--epochs", "2", "--master", "local[2]", "--out", out.toString(), "--parallel-mode", mode,
                "--spark-conf", "spark.ui.enabled=false"));
        if (kryo) {
            args.add("--kryo");
        }
        assertCompleteRun(out, sparkTrain(args.toArray(String[]::new)));
        if (mode.equals("averaging")) {
            try (var runs = Files.list(out.resolve("mlp"))) {
                assertTrue(Files.isRegularFile(runs.findFirst().orElseThrow().resolve("spark-stats.html")));
            }
        }
    }

    /** With --batch-dir the executors open the batches themselves; the folder is gone when the run ends. */
    @Test
    void theExecutorsReadTheBatchesFromAFolderThatIsRemovedAfterwards() throws Exception {
        Path batches = Files.createDirectories(out.resolve("shared"));
        Run r = sparkTrain("--arch", "mlp", "--limit", "5000", "--val-size", "1000", "--epochs", "2",
                "--master", "local[2]", "--out", out.toString(), "--spark-conf", "spark.ui.enabled=false",
                "--batch-dir", batches.toUri().toString());
        assertCompleteRun(out, r);
        assertTrue(r.output().contains("Spark: batches for the executors in file:" + batches), r.output());
        try (var left = Files.list(batches)) {
            assertEquals(List.of(), left.toList());
        }
        Run missing = sparkTrain("--arch", "mlp", "--master", "local[1]", "--out", out.toString(), "--limit", "500",
                "--val-size", "100", "--spark-conf", "spark.ui.enabled=false",
                "--batch-dir", out.resolve("nowhere").toUri().toString());
        assertEquals(2, missing.code(), missing.output());
        assertTrue(missing.output().contains("no such folder; create it where every Worker reads it"), missing.output());
    }

    /** After a round, the driver holds the mean of the workers' parameters and of their Adam moments. */
    @Test
    void aRoundAveragesTheParametersAndAdamsMoments() throws Exception {
        Run r = java(System.getProperty("java.class.path"), AveragingProbe.class.getName(), List.of());
        assertEquals(0, r.code(), r.output());
        assertTrue(figure(r.output(), "moments |max|") > 1e-6, "the workers moved Adam's moments: " + r.output());
        assertTrue(figure(r.output(), "parameters differ by") < 1e-6, r.output());
        assertTrue(figure(r.output(), "moments differ by") < 1e-6, r.output());
    }

    private static double figure(String output, String label) {
        return output.lines().filter(l -> l.startsWith(label)).mapToDouble(
                l -> Double.parseDouble(l.substring(label.length()).trim())).findFirst().orElseThrow(
                () -> new AssertionError("no \"" + label + "\" in\n" + output));
    }

    /** An architecture whose layers the fast engine replaces (the fused LSTM, the softmax output) trains on Spark. */
    @Test
    void theRowLstmTrainsOnSparkWithTheFastEngine() throws Exception {
        Run r = sparkTrain("--arch", "rnn-lstm", "--limit", "1200", "--val-size", "300", "--epochs", "1",
                "--master", "local[2]", "--out", out.toString(), "--spark-conf", "spark.ui.enabled=false");
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().contains("engine: fast"), r.output());
        Path run;
        try (var dirs = Files.list(out.resolve("rnn-lstm"))) {
            run = dirs.findFirst().orElseThrow();
        }
        String json = new String(readEntry(run.resolve("model.zip"), "configuration.json"), StandardCharsets.UTF_8);
        assertTrue(json.contains("org.deeplearning4j.nn.conf.layers.LSTM") && !json.contains("net.dl4jnets"),
                "the saved model is stock DL4J: " + json.substring(0, Math.min(400, json.length())));
        double accuracy = Json.read(run.resolve("eval.json"), JsonObject.class).get("accuracy").getAsDouble();
        assertTrue(accuracy > 0.3, "test accuracy " + accuracy + " (chance 0.1)");
    }

    private static byte[] readEntry(Path zip, String entry) throws IOException {
        try (var z = new java.util.zip.ZipFile(zip.toFile())) {
            return z.getInputStream(z.getEntry(entry)).readAllBytes();
        }
    }

    @Test
    void theDataMayComeFromAHadoopFileSystemUrl() throws Exception {
        Path dir = FashionMnistLocator.standard(null).locate().dir();
        Run r = sparkTrain("--arch", "mlp", "--limit", "2000", "--val-size", "500", "--epochs", "1",
                "--master", "local[2]", "--out", out.toString(), "--spark-conf", "spark.ui.enabled=false",
                "--data-url", dir.toUri().toString());
        assertEquals(0, r.code(), r.output());
        Run missing = sparkTrain("--arch", "mlp", "--master", "local[1]", "--out", out.toString(),
                "--spark-conf", "spark.ui.enabled=false", "--data-url", out.resolve("nothing").toUri().toString());
        assertEquals(2, missing.code(), missing.output());
        assertTrue(missing.output().contains("--data-url file:"), missing.output());
        assertTrue(missing.output().contains("train-images-idx3-ubyte"), missing.output());
    }

    @Test
    void aMasterThatDoesNotAnswerGetsOneLine() throws Exception {
        Run r = sparkTrain("--arch", "mlp", "--master", "spark://127.0.0.1:1", "--out", out.toString());
        assertEquals(2, r.code(), r.output());
        assertTrue(r.output().contains("--master spark://127.0.0.1:1: no Spark master answers there"), r.output());
    }

    private static Run inProcess(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = Cli.commandLine(new SparkTrain());
        cl.setErr(new PrintWriter(err, true));
        return new Run(cl.execute(args), err.toString());
    }

    @Test
    void withoutTheJvmFlagsItNamesThem() {
        Run r = inProcess("--arch", "mlp", "--master", "local[1]");
        assertEquals(2, r.code(), r.output());
        assertTrue(r.output().contains("jvm.options"), r.output());
    }

    @Test
    void aWaitForExecutorsOfZeroIsRefusedBeforeSparkStarts() {
        Run r = inProcess("--arch", "mlp", "--executor-wait", "0");
        assertEquals(2, r.code(), r.output());
        assertTrue(r.output().contains("--executor-wait must be at least 1 second, got 0."), r.output());
    }

    @Test
    void anUnknownArchitectureIsNamedWithTheRegisteredOnes() {
        Run r = inProcess("--arch", "alexnet");
        assertEquals(2, r.code(), r.output());
        assertTrue(r.output().contains("--arch alexnet: no such architecture; registered: mlp, "), r.output());
    }
}
