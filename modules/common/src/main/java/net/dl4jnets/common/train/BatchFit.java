package net.dl4jnets.common.train;

import java.util.function.BooleanSupplier;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * How the loop puts an epoch's batches through the graph: one after another in this thread, or on several replicas
 * at once ({@link ParallelFit}). Either way the loop's listeners see every batch, in this thread, with its loss.
 */
interface BatchFit {
    /**
     * Fits at most {@code count} batches from {@code batches} while {@code go} holds (asked between batches, or
     * between rounds of one batch per replica), and reports each fitted batch with DL4J's score for it.
     */
    void fit(DataSetIterator batches, int count, BooleanSupplier go, Done done);

    interface Done {
        void batch(DataSet batch, double score);
    }

    static BatchFit sequential(ComputationGraph graph) {
        return (batches, count, go, done) -> {
            for (int i = 0; i < count && go.getAsBoolean() && batches.hasNext(); i++) {
                DataSet ds = batches.next();
                graph.fit(ds);
                done.batch(ds, graph.score());
            }
        };
    }

    /** One replica for one worker, else {@link ParallelFit}. */
    static BatchFit of(ComputationGraph graph, Parallelism parallel) {
        return parallel.workers() > 1 ? new ParallelFit(graph, parallel) : sequential(graph);
    }
}
