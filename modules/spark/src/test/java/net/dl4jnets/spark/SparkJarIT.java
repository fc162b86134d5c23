package net.dl4jnets.spark;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster jar as spark-submit runs it: Spark's own SparkSubmit (bundled in the jar) with the master and the
 * driver's Java options given the way the README gives them, and the jar alone on the classpath.
 */
class SparkJarIT {
    @TempDir
    Path out;

    @Test
    void theClusterJarTrainsAnEpochThroughSparkSubmitOnLocalTwo() throws Exception {
        String jar = System.getProperty("nets.spark.jar");
        assertTrue(jar != null && Files.isRegularFile(Path.of(jar)), "the cluster jar " + jar + " was built");
        String flags = String.join(" ", Files.readAllLines(Path.of("jvm.options")).stream()
                .filter(l -> !l.isBlank()).toList());
        SparkTrainTest.Run r = SparkTrainTest.java(jar, "org.apache.spark.deploy.SparkSubmit", List.of(
                "--master", "local[2]", "--class", SparkTrain.class.getName(),
                "--conf", "spark.driver.extraJavaOptions=" + flags,
                "--conf", "spark.executor.extraJavaOptions=" + flags,
                "--conf", "spark.ui.enabled=false",
                jar, "--arch", "mlp", "--limit", "5000", "--val-size", "1000", "--epochs", "2",
                "--out", out.toString()));
        SparkTrainTest.assertCompleteRun(out, r);
    }
}
