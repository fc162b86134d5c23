package net.dl4jnets.common.train;

import java.nio.file.Path;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;

import net.dl4jnets.common.backend.Backend;
import net.dl4jnets.common.io.AtomicFiles;

/**
 * The child process of {@link CrashTest}: trains the tiny classifier into a fresh run folder, slowed down (each batch
 * and each file write between its content and its rename) so that a SIGKILL can land anywhere, also inside a write.
 * Prints "training" when the loop starts.
 */
public final class CrashChild {
    static final int EPOCHS = 4;

    private CrashChild() {}

    public static void main(String[] args) throws Exception {
        Path runs = Path.of(args[0]);
        long slowMillis = Long.parseLong(args[1]);
        Backend.start(1, Backend.Workload.DENSE);
        AtomicFiles.beforeRename(tmp -> pause(slowMillis));
        ComputationGraph graph = new ComputationGraph(TinyClassifier.graph(1e-2));
        graph.init();
        RunFolder run = RunFolder.create(runs, "crash");
        System.out.println("training " + run.dir());
        System.out.flush();
        TinyClassifier.trainer(TinyClassifier.settings(EPOCHS)).listen(new LoopListener() {
            @Override
            public void onBatch(Loop loop, DataSet batch, double loss) {
                pause(slowMillis / 4);
            }
        }).fit(graph, TinyClassifier.data(), run);
        System.out.println("done");
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
