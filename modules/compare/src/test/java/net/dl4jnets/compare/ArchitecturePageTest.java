package net.dl4jnets.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
/**
 * docs/adding-an-architecture.md holds: its class, compiled as the one file it is, and its one registration line
 * make a command of the launcher, with options derived from the record, errors that name the option, and a run that
 * trains, records the engine's kernels and saves a stock DL4J file.
 */
class ArchitecturePageTest {
    static final Path PAGE = Path.of(System.getProperty("nets.repo.root", "../.."), "docs",
            "adding-an-architecture.md");

    @Test
    void thePagesClassAndLineMakeACommandThatTrains(@TempDir Path dir) throws Exception {
        String page = Files.readString(PAGE);
        String source = block(page, "```java\n", 0);
        String line = block(page, "```\n", page.indexOf("## The line")).trim();
        Matcher name = Pattern.compile("public final class (\\w+)").matcher(source);
        assertTrue(name.find(), "the page's class");
        Path classes = dir.resolve("classes");
        Path file = dir.resolve("src").resolve("net/dl4jnets/cnn").resolve(name.group(1) + ".java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertEquals(0, javac.run(null, null, null, "-d", classes.toString(), "-cp",
                System.getProperty("java.class.path"), file.toString()), "the page's class compiles alone");
        Path services = classes.resolve("META-INF/services/net.dl4jnets.common.train.ArchitectureProvider");
        Files.createDirectories(services.getParent());
        Files.writeString(services, line + "\n");

        String help = nets(dir, classes, 0, "gap-cnn", "--help");
        assertTrue(help.contains("--width=N") && help.contains("Channels of every convolution (default: 32)."), help);
        assertTrue(help.contains("--convs=N") && help.contains("--[no-]flip"), help);
        String refused = nets(dir, classes, 2, "gap-cnn", "--width", "0");
        assertTrue(refused.contains("error: --width must be positive"), refused);

        // a few batches of the real data (the data module's verified copy), as a user's first run would be
        Path runs = dir.resolve("runs");
        nets(dir, classes, 0, "gap-cnn", "--limit", "600", "--val-size", "200", "--epochs", "2", "--batch-size", "32",
                "--width", "8", "--out", runs.toString());
        Path run;
        try (Stream<Path> folders = Files.list(runs.resolve("gap-cnn"))) {
            run = folders.findFirst().orElseThrow();
        }
        JsonObject config = JsonParser.parseString(Files.readString(run.resolve("config.json"))).getAsJsonObject();
        assertEquals("gap-cnn", config.get("architecture").getAsString());
        assertEquals(8, config.getAsJsonObject("hyper_parameters").get("width").getAsInt());
        assertTrue(config.get("kernels").toString().contains("InputConvolution"), config.toString());
        assertEquals(3, Files.readAllLines(run.resolve("metrics.csv")).size(), "a header and one row per epoch");
        try (ZipFile zip = new ZipFile(run.resolve("model.zip").toFile())) {
            String json = new String(zip.getInputStream(zip.getEntry("configuration.json")).readAllBytes(),
                    StandardCharsets.UTF_8);
            assertFalse(json.contains("net.dl4jnets"), "the model file names DL4J's classes only");
        }
    }

    /** The text of the first fenced block that opens with {@code fence} at or after {@code from}. */
    static String block(String page, String fence, int from) {
        int start = page.indexOf(fence, from);
        assertTrue(start >= 0, "no " + fence.trim() + " block in " + PAGE);
        start += fence.length();
        int end = page.indexOf("```", start);
        assertTrue(end > start, "an unclosed block in " + PAGE);
        return page.substring(start, end);
    }

    /** Runs the launcher's entry point, as ./nets does, with the page's classes first; returns what it printed. */
    static String nets(Path dir, Path classes, int expectedExit, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-cp",
                classes + File.pathSeparator + System.getProperty("java.class.path"),
                "net.dl4jnets.common.cli.Nets"));
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile(dir, "nets", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "nets " + String.join(" ", args) + " did not finish");
        String out = Files.readString(log);
        assertEquals(expectedExit, p.exitValue(), "nets " + String.join(" ", args) + ":\n" + out);
        return out;
    }
}
