package net.dl4jnets.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import net.dl4jnets.common.cli.Nets;

/** What {@code ./nets --help} shows: every command of every module, Spark's too, each with a help page of its own. */
class LauncherTest {
    @Test
    void helpListsEveryCommandAndEachCommandHasItsOwnHelp() {
        String help = capture("--help");
        List<String> listed = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^  ([a-z][a-z0-9-]+)\\s").matcher(help.substring(help.indexOf("Commands:")));
        while (m.find()) {
            listed.add(m.group(1));
        }
        for (String expected : List.of("mlp", "cnn", "rnn", "char-lstm", "transformer", "gpt", "compare", "speed",
                "predict", "generate", "data", "playground", "spark-train")) {
            assertTrue(listed.contains(expected), expected + " missing from ./nets --help: " + listed);
        }
        assertEquals(listed.stream().distinct().count(), listed.size(), "a command listed twice: " + listed);
        for (String command : listed) {
            String page = capture(command, "--help");
            assertTrue(page.contains("Usage: nets " + command), command + " --help: " + page);
        }
    }

    private static String capture(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Nets.run(args);
        } finally {
            System.setOut(stdout);
        }
        assertEquals(0, code, String.join(" ", args) + " exited " + code + ": " + out);
        return out.toString(StandardCharsets.UTF_8);
    }
}
