package net.dl4jnets.common;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The project's files speak of the project (commits, dates, versions, measurements), not of the rounds of work that
 * made it: no "session N" as a time mark and no number of a tracker a reader cannot see, in any source, script or
 * document. A browser session of a server is of course fine; "session" followed by a number is what is refused.
 */
class NoDiaryTest {
    // built from parts, so that this file does not match itself
    private static final Pattern DIARY = Pattern.compile("(?i)\\b(" + "sess" + "ions?|" + "iss" + "ues?) [0-9]+");
    private static final Set<String> SKIPPED_DIRS = Set.of(".git", "target", "data", "runs", "node_modules", ".mvn");

    @Test
    void noFileOfTheProjectNamesTheRoundsOfWorkThatMadeIt() throws IOException {
        Path root = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent().getParent();
        assertTrue(Files.isRegularFile(root.resolve("README.md")), "not the project root: " + root);
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(Files::isRegularFile)
                    .filter(p -> root.relativize(p).toString().split("/").length > 0
                            && SKIPPED_DIRS.stream().noneMatch(d -> root.relativize(p).startsWith(d)
                                    || root.relativize(p).toString().contains("/" + d + "/")))
                    .filter(NoDiaryTest::isProjectText)
                    .forEach(p -> scan(root, p, found));
        }
        assertTrue(found.isEmpty(), "write what was measured, with its commit and date, not when:\n"
                + String.join("\n", found));
    }

    private static boolean isProjectText(Path p) {
        String name = p.getFileName().toString();
        return name.endsWith(".java") || name.endsWith(".md") || name.endsWith(".py") || name.endsWith(".sh")
                || name.equals("nets") || name.equals("run") || name.endsWith(".xml") || name.endsWith(".html");
    }

    private static void scan(Path root, Path file, List<String> found) {
        try {
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = DIARY.matcher(lines.get(i));
                if (m.find()) {
                    found.add(root.relativize(file) + ":" + (i + 1) + ": " + m.group());
                }
            }
        } catch (IOException e) {
            // not text: nothing to say
        }
    }
}
