package net.dl4jnets.common.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import net.dl4jnets.common.backend.Backend;
import net.dl4jnets.common.io.UserError;

/**
 * SIGKILL at many instants of a real training process, several inside checkpoint writes: whatever the instant, the
 * run folder holds a state.json that parses and a checkpoint that loads, resuming removes the temporary files the
 * kill left, and the resumed run ends with the very parameters of an uninterrupted one (one thread, so the maths is
 * repeatable).
 */
class CrashTest {
    /** Milliseconds each write waits between its content and its rename (a batch waits a quarter of it). */
    static final long SLOW = 80;
    /** When to kill, in milliseconds after the child starts its loop: across the run and into its writes. */
    static final long[] KILL_AFTER = {5, 300, 550, 700, 900, 1100, 1300, 1600, 1900, 2200};

    @TempDir
    Path dir;

    static INDArray uninterrupted;

    @BeforeAll
    static void reference(@TempDir Path ref) {
        Backend.start(1, Backend.Workload.DENSE);
        ComputationGraph g = new ComputationGraph(TinyClassifier.graph(1e-2));
        g.init();
        TinyClassifier.trainer(TinyClassifier.settings(CrashChild.EPOCHS)).fit(g, TinyClassifier.data(),
                RunFolder.create(ref, "reference"));
        uninterrupted = g.params().dup();
    }

    @Test
    void killedAnywhereTheRunResumesToTheSameParameters() throws Exception {
        List<String> seen = new ArrayList<>();
        for (long killAfter : KILL_AFTER) {
            Path runs = dir.resolve("kill-" + killAfter);
            Path runDir = killChild(runs, killAfter);
            if (!Files.isRegularFile(runDir.resolve("state.json"))) {
                UserError e = assertThrows(UserError.class, () -> RunFolder.open(runDir));
                assertTrue(e.getMessage().contains("before its first checkpoint"), e.getMessage());
                seen.add(killAfter + " ms: before the first checkpoint");
                continue;
            }
            boolean leftovers = hasTmp(runDir);
            RunFolder run = RunFolder.open(runDir); // parses state.json, checks the checkpoint, removes .tmp files
            assertTrue(!hasTmp(runDir), "temporary files survive the resume in " + runDir);
            ComputationGraph g = Checkpoints.loadModel(run.checkpoint());
            assertNotNull(g.params());
            int epochsDone = run.state().epochsDone();
            TinyClassifier.trainer(TinyClassifier.settings(CrashChild.EPOCHS)).fit(g, TinyClassifier.data(), run);
            double diff = uninterrupted.sub(g.params()).amaxNumber().doubleValue();
            assertEquals(0, diff, 1e-6, "killed after " + killAfter + " ms (" + epochsDone + " epochs done)");
            seen.add(killAfter + " ms: " + epochsDone + " epochs done" + (leftovers ? ", inside a write" : ""));
        }
        System.out.println("CrashTest: " + String.join("; ", seen));
        assertTrue(seen.stream().anyMatch(s -> s.contains("inside a write")), "no kill landed inside a write: " + seen);
        assertTrue(seen.stream().anyMatch(s -> s.matches(".*: [1-9] epochs done.*")), "no kill after a checkpoint: " + seen);
    }

    /** Starts the child, kills it with SIGKILL the given time after its loop starts; returns its run folder. */
    private static Path killChild(Path runs, long killAfter) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0", CrashChild.class.getName(), runs.toString(),
                String.valueOf(SLOW)).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        Path runDir = null;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("training ")) {
                runDir = Path.of(line.substring("training ".length()));
                break;
            }
        }
        assertNotNull(runDir, "the child did not start training");
        Thread.sleep(killAfter);
        p.toHandle().destroyForcibly(); // SIGKILL on Linux
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return runDir;
    }

    private static boolean hasTmp(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".tmp"));
        }
    }
}
