package net.dl4jnets.compare;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

import net.dl4jnets.common.data.ImageBatches;
import net.dl4jnets.common.data.ImageSet;
import net.dl4jnets.engine.Engine;

/** Inference speed: test images classified per second, one at a time (latency-bound) or in batches (throughput). */
final class Throughput {
    private Throughput() {}

    /**
     * Images per second for forward passes at the given batch size, as a served model computes them
     * ({@code Engine.output}: a batch of one on the calling thread alone), timed for about {@code seconds} after a
     * warm-up of half as long (at least 3 passes each). The batch is real test images, prepared as the model's
     * evaluation sees them.
     */
    static double imagesPerSecond(ComputationGraph graph, ImageSet.View test, ImageBatches.Options eval, int batch,
                                  double seconds) {
        int n = Math.min(batch, test.size());
        ImageBatches.Options o = new ImageBatches.Options(eval.layout(), n, false, eval.seed(), eval.standardize(),
                eval.augmentation());
        INDArray x = new ImageBatches(test, o).next().getFeatures();
        // Warm-up for half the budget, at least 3 passes: the first calls pay for JIT compilation and oneDNN's
        // kernel set-up, which a model that serves many requests pays once.
        long budget = (long) (seconds * 1e9);
        long t0 = System.nanoTime();
        for (int i = 0; i < 3 || System.nanoTime() - t0 < budget / 2; i++) {
            Engine.output(graph, x);
        }
        t0 = System.nanoTime();
        long passes = 0;
        while (passes < 3 || System.nanoTime() - t0 < budget) {
            Engine.output(graph, x);
            passes++;
        }
        return passes * n / ((System.nanoTime() - t0) / 1e9);
    }
}
