package net.dl4jnets.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * spark-train on a real Spark standalone cluster: a Master and Workers, each its own JVM (and each executor another),
 * the driver submitted in client mode by Spark's SparkSubmit, as {@code docs/scaling.md} tells a user to. Everything
 * on 127.0.0.1; every process is stopped by the test, also when it fails.
 */
class SparkClusterIT {
    @TempDir
    Path dir;

    static Path clusterJar() {
        String jar = System.getProperty("nets.spark.jar");
        assertTrue(jar != null && Files.isRegularFile(Path.of(jar)), "the cluster jar " + jar + " was built");
        return Path.of(jar);
    }

    static SparkTrainTest.Run await(Process driver, Path log, int minutes) throws Exception {
        boolean ended = driver.waitFor(minutes, TimeUnit.MINUTES);
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(ended, "the driver did not end within " + minutes + " minutes:\n" + output);
        return new SparkTrainTest.Run(driver.exitValue(), output);
    }

    static List<String> mlp(Path out, int epochs) {
        return List.of("--arch", "mlp", "--limit", "5000", "--val-size", "1000", "--epochs", Integer.toString(epochs),
                "--workers", "2", "--out", out.toString());
    }

    /** What dl4j-spark's Export approach left behind: folders under Hadoop's temporary directory. */
    static List<String> exported() throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"), "hadoop-" + System.getProperty("user.name"), "dl4j");
        if (!Files.isDirectory(tmp)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(Path::toString).sorted().toList();
        }
    }

    @Test
    void trainsOnTwoWorkersWithAdamsStateAveraged() throws Exception {
        List<String> before = exported();
        Path out = dir.resolve("runs");
        try (StandaloneCluster cluster = new StandaloneCluster(dir, clusterJar())) {
            cluster.addWorker("3g");
            cluster.addWorker("3g");
            Path log = dir.resolve("driver.log");
            SparkTrainTest.Run r = await(cluster.submit(log, mlp(out, 2)), log, 8);
            SparkTrainTest.assertCompleteRun(out, r);
            assertTrue(r.output().contains("Spark: 2 executor(s) joined"), r.output());
        }
        Path run;
        try (Stream<Path> runs = Files.list(out.resolve("mlp"))) {
            run = runs.findFirst().orElseThrow();
        }
        // Adam's moments come back averaged with the parameters: the driver's copy, which the model file holds, moved
        ComputationGraph saved = ComputationGraph.load(new File(run.resolve("model.zip").toString()), true);
        assertTrue(saved.getUpdater().getStateViewArray().amaxNumber().doubleValue() > 0,
                "the saved updater state is all zeros: the workers' Adam state never reached the driver");
        assertEquals(before, exported(), "no batch was exported to Hadoop's temporary directory");
    }

    @Test
    void aWorkerKilledMidRunLeavesTheRunToFinishOnTheOther() throws Exception {
        Path out = dir.resolve("runs");
        try (StandaloneCluster cluster = new StandaloneCluster(dir, clusterJar())) {
            cluster.addWorker("3g");
            Process second = cluster.addWorker("3g");
            Path log = dir.resolve("driver.log");
            Process driver = cluster.submit(log, mlp(out, 4));
            awaitRows(out, 1, driver, log); // after the first epoch's row: mid-run, with both executors working
            StandaloneCluster.killTree(second);
            SparkTrainTest.Run r = await(driver, log, 8);
            SparkTrainTest.assertCompleteRun(out, r);
            assertEquals(4, metricsRows(out), "one row per epoch:\n" + r.output());
        }
    }

    /**
     * The driver stopped as a service manager stops it (SIGTERM) after the first epoch ends the round in flight,
     * saves a checkpoint and says how to resume; its executors go with it; {@code --resume} then trains to the run's
     * epochs. Killed outright (SIGKILL) after the next epoch, it resumes from the last epoch's checkpoint.
     */
    @Test
    void aStoppedDriverResumesToTheSameEpochs() throws Exception {
        Path out = dir.resolve("runs");
        try (StandaloneCluster cluster = new StandaloneCluster(dir, clusterJar())) {
            cluster.addWorker("3g");
            cluster.addWorker("3g");
            Path log = dir.resolve("driver.log");
            Process driver = cluster.submit(log, mlp(out, 4));
            awaitRows(out, 1, driver, log);
            driver.destroy(); // SIGTERM
            SparkTrainTest.Run stopped = await(driver, log, 3);
            assertEquals(130, stopped.code(), stopped.output());
            Path run = runDir(out);
            assertTrue(stopped.output().contains("Resume with: --resume " + run), stopped.output());
            cluster.awaitNoApplication();
            assertTrue(cluster.executors().isEmpty(), "executors left running: " + cluster.executors().stream()
                    .map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList());

            Path log2 = dir.resolve("driver-resumed.log");
            Process resumed = cluster.submit(log2, List.of("--arch", "mlp", "--resume", run.toString(), "--workers", "2"));
            int before = metricsRows(out);
            awaitRows(out, before + 1, resumed, log2);
            Thread.sleep(3000); // into the next epoch, past the checkpoint written with the row
            StandaloneCluster.killTree(resumed); // SIGKILL: no checkpoint but the last epoch's
            cluster.awaitNoApplication();

            Path log3 = dir.resolve("driver-resumed-again.log");
            SparkTrainTest.Run done = await(cluster.submit(log3, List.of("--arch", "mlp", "--resume", run.toString(),
                    "--workers", "2")), log3, 8);
            assertEquals(0, done.code(), done.output());
            assertTrue(done.output().contains("Resuming " + run), done.output());
            assertEquals(4, metricsRows(out), "one row per epoch over the three drivers:\n" + done.output());
            assertTrue(Files.isRegularFile(run.resolve("eval.json")), "the resumed run was tested");
        }
    }

    static void awaitRows(Path out, int rows, Process driver, Path log) throws Exception {
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (metricsRows(out) < rows && driver.isAlive() && System.nanoTime() < end) {
            Thread.sleep(200);
        }
        assertTrue(driver.isAlive() && metricsRows(out) >= rows, "no row " + rows + " while the driver ran:\n"
                + Files.readString(log));
    }

    static Path runDir(Path out) throws IOException {
        try (Stream<Path> runs = Files.list(out.resolve("mlp"))) {
            return runs.findFirst().orElseThrow();
        }
    }

    @Test
    void aMasterWithoutWorkersIsOneLineNotAHang() throws Exception {
        try (StandaloneCluster cluster = new StandaloneCluster(dir, clusterJar())) {
            Path log = dir.resolve("driver.log");
            List<String> args = new ArrayList<>(mlp(dir.resolve("runs"), 1));
            args.addAll(List.of("--executor-wait", "10"));
            SparkTrainTest.Run r = await(cluster.submit(log, args), log, 2);
            assertEquals(2, r.code(), r.output());
            assertTrue(r.output().contains("--master " + cluster.url() + ": no executor joined within 10 s"), r.output());
        }
    }

    static int metricsRows(Path out) throws IOException {
        Path mlp = out.resolve("mlp");
        if (!Files.isDirectory(mlp)) {
            return 0;
        }
        try (Stream<Path> runs = Files.list(mlp)) {
            Path metrics = runs.map(r -> r.resolve("metrics.csv")).filter(Files::isRegularFile).findFirst().orElse(null);
            return metrics == null ? 0 : (int) Files.readAllLines(metrics).stream().skip(1).filter(l -> !l.isBlank()).count();
        }
    }
}
