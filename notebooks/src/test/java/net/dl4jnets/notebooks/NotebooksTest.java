package net.dl4jnets.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every notebook runs top to bottom on the Java kernel, headless, as a learner would run it: executed by Jupyter's own
 * nbconvert into {@code target/executed/} (the copy with outputs, to look at), then read back. A failure names the
 * notebook and the cell. The notebooks in git carry no outputs.
 */
class NotebooksTest {
    static final Path MODULE = Path.of("").toAbsolutePath();
    static final Path HOME = MODULE.getParent();
    /** A training cell prints "epoch N ... loss X" or "step N ... loss X" lines; the first loss is the one that counts. */
    static final Pattern LOSS_LINE = Pattern.compile("(?m)^\\s*(?:epoch|step)\\s+\\d+[^\\n]*?\\bloss\\s+([0-9.]+)");
    static final Pattern ACCURACY = Pattern.compile("validation accuracy ([0-9.]+)%");

    static List<Path> notebooks() throws IOException {
        try (Stream<Path> files = Files.list(MODULE)) {
            return files.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
        }
    }

    static JsonObject read(Path notebook) throws IOException {
        return JsonParser.parseString(Files.readString(notebook)).getAsJsonObject();
    }

    @Test
    void oneNotebookPerWeek() throws IOException {
        List<String> names = notebooks().stream().map(p -> p.getFileName().toString()).toList();
        assertEquals(List.of("week1-neuron.ipynb", "week2-mlp.ipynb", "week3-cnn.ipynb", "week4-rnn.ipynb",
                "week5-attention.ipynb"), names);
    }

    /** Outputs in git make every diff unreadable and every run a change: they live in target/executed only. */
    @Test
    void storedWithoutOutputs() throws IOException {
        for (Path nb : notebooks()) {
            JsonArray cells = read(nb).getAsJsonArray("cells");
            for (int i = 0; i < cells.size(); i++) {
                JsonObject c = cells.get(i).getAsJsonObject();
                if (!c.get("cell_type").getAsString().equals("code")) {
                    continue;
                }
                assertTrue(c.getAsJsonArray("outputs").isEmpty(), nb.getFileName() + ", cell " + i + " has outputs: "
                        + "clear them (Kernel > Restart & Clear Output) before committing");
                assertTrue(c.get("execution_count").isJsonNull(), nb.getFileName() + ", cell " + i
                        + " has an execution count: clear outputs before committing");
            }
            assertEquals("dl4j-nets", read(nb).getAsJsonObject("metadata").getAsJsonObject("kernelspec")
                    .get("name").getAsString(), nb.getFileName() + " must name the dl4j-nets kernel");
        }
    }

    @TestFactory
    Stream<DynamicTest> everyNotebookRunsTopToBottom() throws IOException {
        Path jupyterDir = MODULE.resolve("target/jupyter");
        // the classpath this test runs on: every module's classes and jars (surefire hands it over in this property)
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        KernelSpec spec = KernelSpec.of(jupyterDir, HOME, classpath, ManagementFactory.getRuntimeMXBean().getInputArguments());
        Map<String, String> env = spec.install();
        String jupyter = NotebookCommand.onPath("jupyter");
        Path executed = MODULE.resolve("target/executed");
        Files.createDirectories(executed);
        return notebooks().stream().map(nb -> DynamicTest.dynamicTest(nb.getFileName().toString(), () -> {
            Path out = execute(jupyter, env, nb, executed);
            checkOutputs(nb.getFileName().toString(), read(out));
        }));
    }

    static Path execute(String jupyter, Map<String, String> env, Path nb, Path executed) throws Exception {
        String name = nb.getFileName().toString();
        Path log = executed.resolve(name.replace(".ipynb", ".log"));
        ProcessBuilder pb = new ProcessBuilder(jupyter, "nbconvert", "--to", "notebook", "--execute",
                "--allow-errors", "--ExecutePreprocessor.kernel_name=" + KernelSpec.NAME,
                "--ExecutePreprocessor.timeout=1200", "--ExecutePreprocessor.startup_timeout=180",
                "--output-dir", executed.toString(), nb.toString());
        pb.environment().putAll(env);
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE"); // as ./nets sets it
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Process p = pb.start();
        if (!p.waitFor(30, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            fail(name + " did not finish in 30 minutes; log: " + log);
        }
        String text = Files.readString(log, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            fail(name + ": nbconvert exited " + p.exitValue() + "; the end of its log (" + log + "):\n"
                    + text.substring(Math.max(0, text.length() - 3000)));
        }
        return executed.resolve(name);
    }

    static void checkOutputs(String name, JsonObject nb) {
        JsonArray cells = nb.getAsJsonArray("cells");
        int charts = 0;
        int learning = 0;
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            JsonObject c = cells.get(i).getAsJsonObject();
            if (!c.get("cell_type").getAsString().equals("code")) {
                continue;
            }
            String where = name + ", cell " + i + " (" + firstLine(c) + ")";
            StringBuilder printed = new StringBuilder();
            boolean image = false;
            for (JsonElement o : c.getAsJsonArray("outputs")) {
                JsonObject out = o.getAsJsonObject();
                String type = out.get("output_type").getAsString();
                if (type.equals("error")) {
                    fail(where + " failed: " + out.get("ename").getAsString() + ": " + out.get("evalue").getAsString()
                            + "\n" + plain(out.get("traceback")));
                }
                if (type.equals("stream")) {
                    printed.append(plain(out.get("text")));
                }
                if (out.has("data") && out.getAsJsonObject("data").has("image/png")) {
                    image = true;
                }
            }
            all.append(printed);
            List<String> tags = new ArrayList<>();
            if (c.has("metadata") && c.getAsJsonObject("metadata").has("tags")) {
                c.getAsJsonObject("metadata").getAsJsonArray("tags").forEach(t -> tags.add(t.getAsString()));
            }
            if (tags.contains("chart")) {
                charts++;
                assertTrue(image, where + " is a chart cell but shows no image");
            }
            if (tags.contains("learning")) {
                learning++;
                List<Double> losses = new ArrayList<>();
                Matcher m = LOSS_LINE.matcher(printed);
                while (m.find()) {
                    losses.add(Double.parseDouble(m.group(1)));
                }
                assertTrue(losses.size() >= 2, where + " should print a loss per epoch or step, printed:\n" + printed);
                assertTrue(losses.get(losses.size() - 1) < 0.9 * losses.get(0),
                        where + ": the loss should fall by a tenth at least, went " + losses);
            }
        }
        assertTrue(learning >= 1, name + " has no cell tagged 'learning'");
        String text = all.toString();
        Matcher acc = ACCURACY.matcher(text);
        while (acc.find()) { // ten classes: chance is 10%; the shortest run here reaches 70%
            assertTrue(Double.parseDouble(acc.group(1)) > 50, name + ": accuracy " + acc.group() + " barely beats chance");
        }
        if (name.startsWith("week1")) {
            assertTrue(text.contains("(c) tanh hidden layer    outputs") && lineWith(text, "(c) tanh").endsWith("accuracy 100%"),
                    "week 1: the tanh network should solve XOR:\n" + text);
            assertFalse(lineWith(text, "(b) linear hidden layer").endsWith("accuracy 100%"),
                    "week 1: a linear hidden layer cannot solve XOR:\n" + text);
        }
        assertTrue(charts >= 1, name + " shows no chart");
    }

    static String lineWith(String text, String start) {
        return text.lines().filter(l -> l.startsWith(start)).findFirst().orElse("").strip();
    }

    static String firstLine(JsonObject cell) {
        String src = plain(cell.get("source"));
        return src.lines().findFirst().orElse("").strip();
    }

    /** A Jupyter string field (a string or a list of lines) without ANSI colour codes. */
    static String plain(JsonElement e) {
        StringBuilder sb = new StringBuilder();
        if (e.isJsonArray()) {
            e.getAsJsonArray().forEach(x -> sb.append(x.getAsString()).append(x.getAsString().endsWith("\n") ? "" : "\n"));
        } else {
            sb.append(e.getAsString());
        }
        return sb.toString().replaceAll("\u001B\\[[0-9;]*m", "");
    }
}
