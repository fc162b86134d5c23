package net.dl4jnets.common.train;

import java.nio.file.Path;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;

import net.dl4jnets.common.backend.Backend;
import net.dl4jnets.common.io.AtomicFiles;

/**
 * The child process of {@link CrashTest}: trains the tiny classifier into a fresh run folder and prints each event a
 * kill may aim at, then waits a little there so that the kill lands at that point: "training DIR" when the loop
 * starts, "batch N" after the N-th batch, "write N FILE" inside the N-th file write, between its content and its
 * rename. "done" at the end.
 */
public final class CrashChild {
    static final int EPOCHS = 4;

    private CrashChild() {}

    public static void main(String[] args) throws Exception {
        Path runs = Path.of(args[0]);
        long slowMillis = Long.parseLong(args[1]);
        Backend.start(1, Backend.Workload.DENSE);
        int[] writes = {0};
        AtomicFiles.beforeRename(tmp -> {
            say("write " + ++writes[0] + " " + tmp.getFileName());
            pause(slowMillis);
        });
        ComputationGraph graph = TinyClassifier.fresh(1e-2);
        RunFolder run = RunFolder.create(runs, "crash");
        say("training " + run.dir());
        int[] batches = {0};
        TinyClassifier.trainer(TinyClassifier.settings(EPOCHS)).listen(new LoopListener() {
            @Override
            public void onBatch(Loop loop, DataSet batch, double loss) {
                say("batch " + ++batches[0]);
                pause(slowMillis / 4);
            }
        }).fit(graph, TinyClassifier.data(), run);
        say("done");
    }

    private static void say(String event) {
        System.out.println(event);
        System.out.flush();
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
