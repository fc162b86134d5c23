package net.dl4jnets.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import net.dl4jnets.common.backend.Backend;
import net.dl4jnets.common.train.Architecture;
import net.dl4jnets.common.train.Benchmark;
import net.dl4jnets.common.train.Checkpoints;
import net.dl4jnets.engine.Engine;

/**
 * A model file of this suite is a DL4J model file: a JVM whose classpath holds DL4J, ND4J and the small layers jar
 * (the transformer layers DL4J lacks) and none of the suite's other classes restores every registered architecture
 * and both text models, trained a step by the fast engine, with {@code ModelSerializer} and computes the very
 * outputs the suite computes, on inputs both sides make the same way.
 */
class PortableModelTest {
    /** The whole program of the plain DL4J application, compiled and run by the JDK's source launcher. */
    private static final String RESTORE = """
            import java.io.File;
            import org.deeplearning4j.nn.graph.ComputationGraph;
            import org.deeplearning4j.util.ModelSerializer;
            import org.nd4j.linalg.api.ndarray.INDArray;

            public class Restore {
                public static void main(String[] args) throws Exception {
                    for (String name : new String[] {"net.dl4jnets.engine.Engine", "net.dl4jnets.common.cli.Nets"}) {
                        try {
                            Class.forName(name);
                            System.out.println("suite classes present: " + name);
                        } catch (ClassNotFoundException e) {
                            // as it should be
                        }
                    }
                    System.out.println("suite classes checked");
                    for (int i = 0; i < args.length; i += 2) {
                        ComputationGraph g = ModelSerializer.restoreComputationGraph(new File(args[i]), true);
                        String[] dims = args[i + 1].split(",");
                        long[] shape = new long[dims.length];
                        for (int d = 0; d < dims.length; d++) {
                            shape[d] = Long.parseLong(dims[d]);
                        }
                        INDArray out = g.outputSingle(false, PortableModelTestInput.make(shape));
                        StringBuilder line = new StringBuilder("outputs " + args[i]);
                        for (float f : out.dup('c').data().asFloat()) {
                            line.append(' ').append(f);
                        }
                        System.out.println(line);
                    }
                }
            }

            class PortableModelTestInput {
                static INDArray make(long[] shape) {
                    long n = 1;
                    for (long s : shape) {
                        n *= s;
                    }
                    float[] v = new float[(int) n];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = (i * 37 % 101) / 100f;
                    }
                    return org.nd4j.linalg.factory.Nd4j.create(v, shape, 'c');
                }
            }
            """;

    /** The inputs the child makes: the same formula. */
    static INDArray input(long... shape) {
        float[] v = new float[(int) Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i * 37 % 101) / 100f;
        }
        return Nd4j.create(v, shape, 'c');
    }

    @Test
    void aPlainDl4jApplicationRestoresTheSuitesModels(@TempDir Path dir) throws Exception {
        Backend.start(1, Backend.Workload.DENSE);
        assertEquals(Engine.Choice.FAST, Engine.runs(), "the test trains with the fast engine");
        record Saved(String name, ComputationGraph graph, long[] shape, INDArray labels) {}
        List<Saved> models = new ArrayList<>();
        for (Architecture a : Architecture.registered()) {
            if (a.id().equals("broken")) { // BrokenArchitectures, this module's test of a model that cannot build
                continue;
            }
            var spec = a.spec().apply(a.training().withSeed(3));
            models.add(new Saved(a.id(), Engine.network(spec.graph()), spec.layout().shape(3),
                    Nd4j.eye(10).getRows(0, 1, 2).castTo(DataType.FLOAT)));
        }
        for (Benchmark b : Benchmark.registered()) {
            if (b.text() != null) { // the text models, at the benchmark's shape
                long[] shape = {2, b.text().vocabulary(), b.text().steps()};
                INDArray labels = Nd4j.zeros(DataType.FLOAT, shape);
                for (int e = 0; e < 2; e++) {
                    for (int t = 0; t < shape[2]; t++) {
                        labels.putScalar(e, (e + 7L * t) % shape[1], t, 1);
                    }
                }
                models.add(new Saved(b.id(), Engine.network(b.graph(3)), shape, labels));
            }
        }
        List<String> names = models.stream().map(Saved::name).toList();
        assertTrue(names.containsAll(List.of("mlp", "cnn-modern", "rnn-lstm", "transformer", "char-lstm", "gpt")),
                "the suite's models: " + names);
        List<String> args = new ArrayList<>();
        for (Saved s : models) {
            s.graph().init();
            // a step of training, so that the file holds trained weights and an updater state
            s.graph().fit(new org.nd4j.linalg.dataset.DataSet(input(s.shape()), s.labels()));
            Path file = dir.resolve(s.name() + ".zip");
            Checkpoints.saveModel(s.graph(), file);
            String json = new String(readEntry(file, "configuration.json"), StandardCharsets.UTF_8);
            assertFalse(json.contains("net.dl4jnets.engine"), s.name() + ": the configuration names the engine");
            assertFalse(json.replace("net.dl4jnets.layers.", "").contains("net.dl4jnets"),
                    s.name() + ": the configuration names a class outside the layers jar");
            args.add(file.toString());
            args.add(String.join(",", Arrays.stream(s.shape()).mapToObj(Long::toString).toList()));
        }

        List<String> lines = runPlainDl4j(dir, args);
        assertEquals("suite classes checked", lines.get(0), "the child's classpath holds the suite: " + lines);
        for (int i = 0; i < models.size(); i++) {
            Saved s = models.get(i);
            String[] words = lines.get(i + 1).split(" ");
            assertEquals(args.get(2 * i), words[1]);
            s.graph().rnnClearPreviousState();
            float[] expected = s.graph().outputSingle(false, input(s.shape())).dup('c').data().asFloat();
            assertEquals(expected.length, words.length - 2, s.name());
            for (int k = 0; k < expected.length; k++) {
                assertEquals(expected[k], Float.parseFloat(words[k + 2]), 1e-5, s.name() + " output " + k);
            }
        }
    }

    private static byte[] readEntry(Path zip, String entry) throws Exception {
        try (var z = new java.util.zip.ZipFile(zip.toFile())) {
            return z.getInputStream(z.getEntry(entry)).readAllBytes();
        }
    }

    /**
     * Runs {@link #RESTORE} in a JVM whose classpath is this one's DL4J and ND4J jars and the layers module, without
     * any other of the suite's own folders or jars.
     */
    private static List<String> runPlainDl4j(Path dir, List<String> args) throws Exception {
        Path source = dir.resolve("Restore.java");
        Files.writeString(source, RESTORE);
        Path project = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent().getParent();
        List<String> classpath = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry).toAbsolutePath();
            boolean layers = p.startsWith(project.resolve("modules/layers"))
                    || p.getFileName().toString().startsWith("nets-layers");
            boolean suite = !layers && (p.startsWith(project) || p.getFileName().toString().startsWith("nets-"));
            boolean dl4j = entry.contains("deeplearning4j") || entry.contains("nd4j") || entry.contains("bytedeco")
                    || entry.contains("javacpp") || entry.contains("openblas") || entry.contains("mkl")
                    || entry.contains("onednn") || entry.contains("jackson") || entry.contains("guava")
                    || entry.contains("commons-") || entry.contains("slf4j") || entry.contains("protobuf")
                    || entry.contains("flatbuffers") || entry.contains("gson") || entry.contains("jai-core")
                    || entry.contains("oshi") || entry.contains("lombok") || entry.contains("jna");
            if (layers || !suite && dl4j) {
                classpath.add(entry);
            }
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", String.join(File.pathSeparator, classpath), source.toString()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile())
                .start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the plain DL4J application did not finish");
        List<String> out = Files.readAllLines(dir.resolve("child.log")).stream()
                .filter(l -> l.startsWith("suite classes") || l.startsWith("outputs ")).toList();
        assertEquals(0, p.exitValue(), String.join("\n", Files.readAllLines(dir.resolve("child.log"))));
        return out;
    }
}
