package net.dl4jnets.compare;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The classpath every command but spark-train runs on (compare's: common and every model module) stays under
 * 250 MB: Spark and its 80 MB live in the spark module only, and the natives DL4J's core would bring stay out.
 */
class ClasspathSizeTest {
    static final long LIMIT = 250L * 1024 * 1024;

    @Test
    void theDefaultRuntimeClasspathHasNoSparkAndStaysUnder250Megabytes() throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<Path> jars = Arrays.stream(cp.split(File.pathSeparator)).filter(p -> p.endsWith(".jar")).map(Path::of)
                .filter(Files::isRegularFile).toList();
        assertTrue(jars.size() > 50, "read the real classpath, not a launcher jar: " + jars);
        assertFalse(jars.stream().anyMatch(j -> j.getFileName().toString().startsWith("spark-core")), "Spark is absent");
        assertFalse(jars.stream().anyMatch(j -> j.getFileName().toString().startsWith("opencv")), "OpenCV is absent");
        long bytes = 0;
        for (Path j : jars) {
            bytes += Files.size(j);
        }
        assertTrue(bytes <= LIMIT, String.format("%,d bytes in %d jars", bytes, jars.size()));
        System.out.printf("default classpath: %.1f MB in %d jars%n", bytes / 1048576.0, jars.size());
    }
}
