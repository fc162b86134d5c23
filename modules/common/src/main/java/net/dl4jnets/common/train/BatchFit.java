package net.dl4jnets.common.train;

import java.util.function.BooleanSupplier;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

import net.dl4jnets.engine.Engine;

/**
 * How the loop puts an epoch's batches through the graph: one after another in this thread, on several replicas
 * at once ({@link ParallelFit}), or on a cluster (the spark module's). Either way the loop's listeners see every
 * batch, in this thread, with its loss, so checkpoints, resume, the time budget and Ctrl-C work the same.
 */
public interface BatchFit {
    /**
     * Fits at most {@code count} batches from {@code batches} while {@code go} holds (asked between batches, or
     * between rounds of one batch per replica), and reports each fitted batch with DL4J's score for it.
     */
    void fit(DataSetIterator batches, int count, BooleanSupplier go, Done done);

    interface Done {
        void batch(DataSet batch, double score);
    }

    /** Makes the fitting of one run, once its graph is built or loaded and its folder exists. */
    interface Factory {
        BatchFit of(ComputationGraph graph, TrainingConfig t, RunFolder run);
    }

    /** One batch after another, or on replicas if the settings ask for several workers. */
    Factory STANDARD = (graph, t, run) -> t.parallel().workers() > 1 ? new ParallelFit(graph, t.parallel())
            : sequential(graph);

    /**
     * DL4J's score without the weight-decay or L2 penalty that it adds, so a training loss measures what the validation
     * loss measures. The penalty can dwarf the loss (decay 0.05 on the CNN: 48 at the first batch, against a loss of
     * 2.3) and would read as divergence. {@code penalty} is {@code calcRegularizationScore(true)} of the parameters
     * the score was taken with: for a fitted batch, those before its step moved them.
     */
    static double withoutPenalty(double score, double penalty) {
        return score - penalty;
    }

    static BatchFit sequential(ComputationGraph graph) {
        return (batches, count, go, done) -> {
            for (int i = 0; i < count && go.getAsBoolean() && batches.hasNext(); i++) {
                DataSet ds = Engine.next(batches);
                double penalty = graph.calcRegularizationScore(true);
                Engine.fit(graph, ds); // graph.fit(ds), in one pass where the engine covers the whole step
                done.batch(ds, withoutPenalty(graph.score(), penalty));
            }
        };
    }
}
