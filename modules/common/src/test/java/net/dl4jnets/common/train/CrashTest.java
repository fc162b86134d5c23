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
 * SIGKILL at many points of a real training process, several inside checkpoint writes: whatever the point, the run
 * folder holds a state.json that parses and a checkpoint that loads, resuming removes the temporary files the kill
 * left, and the resumed run ends with the very parameters of an uninterrupted one (one thread, so the maths is
 * repeatable). The kills aim at events the child prints ({@link CrashChild}), never at a time, so a busy machine
 * changes nothing.
 */
class CrashTest {
    /** Milliseconds the child waits inside each write and (a quarter) after each batch, where the kill lands. */
    static final long SLOW = 400;
    /**
     * Where to kill: before any checkpoint, inside the first epoch's writes, between epochs, inside each kind of later
     * write. The tiny classifier runs 8 batches an epoch and writes 4 files at the end of each: the best model, the
     * metrics, the checkpoint and, last, state.json.
     */
    static final String[] KILL_AT = {"batch 1", "write 2", "write 4", "batch 9", "write 5", "write 7", "write 8",
        "batch 12", "batch 20", "write 11", "write 16", "batch 30"};

    @TempDir
    Path dir;

    static INDArray uninterrupted;

    @BeforeAll
    static void reference(@TempDir Path ref) {
        Backend.start(1, Backend.Workload.DENSE);
        ComputationGraph g = TinyClassifier.fresh(1e-2);
        TinyClassifier.trainer(TinyClassifier.settings(CrashChild.EPOCHS)).fit(g, TinyClassifier.data(),
                RunFolder.create(ref, "reference"));
        uninterrupted = g.params().dup();
    }

    @Test
    void killedAnywhereTheRunResumesToTheSameParameters() throws Exception {
        List<String> seen = new ArrayList<>();
        for (String event : KILL_AT) {
            Path runs = dir.resolve("kill-" + event.replace(' ', '-'));
            Path runDir = killChild(runs, event);
            if (!Files.isRegularFile(runDir.resolve("state.json"))) {
                UserError e = assertThrows(UserError.class, () -> RunFolder.open(runDir));
                assertTrue(e.getMessage().contains("before its first checkpoint"), e.getMessage());
                seen.add(event + ": before the first checkpoint");
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
            assertEquals(0, diff, 1e-6, "killed at " + event + " (" + epochsDone + " epochs done)");
            seen.add(event + ": " + epochsDone + " epochs done" + (leftovers ? ", inside a write" : ""));
        }
        System.out.println("CrashTest: " + String.join("; ", seen));
        assertTrue(seen.get(0).endsWith("before the first checkpoint"), seen.get(0));
        assertTrue(seen.stream().filter(s -> s.contains("inside a write")).count() >= 5, "kills inside writes: " + seen);
        assertTrue(seen.stream().anyMatch(s -> s.matches(".*: [1-9] epochs done.*")), "no kill after a checkpoint: " + seen);
    }

    /** Starts the child and kills it with SIGKILL when it prints {@code event}; returns its run folder. */
    private static Path killChild(Path runs, String event) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-cp",
                System.getProperty("java.class.path"), "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0",
                CrashChild.class.getName(), runs.toString(), String.valueOf(SLOW)).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        Path runDir = null;
        boolean reached = false;
        List<String> said = new ArrayList<>();
        try {
            while ((line = out.readLine()) != null) {
                said.add(line);
                if (line.startsWith("training ")) {
                    runDir = Path.of(line.substring("training ".length()));
                }
                if (line.equals(event) || line.startsWith(event + " ")) {
                    reached = true;
                    break;
                }
            }
        } finally {
            p.toHandle().destroyForcibly(); // SIGKILL on Linux
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        }
        assertTrue(reached, "the child never printed '" + event + "': " + said);
        assertNotNull(runDir, "the child did not start training: " + said);
        return runDir;
    }

    private static boolean hasTmp(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".tmp"));
        }
    }
}
