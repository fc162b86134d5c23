package net.dl4jnets.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

import net.dl4jnets.common.train.BatchFit;

/**
 * The loop's batches trained on a Spark cluster by dl4j-spark. The batches the common loader made (shuffled,
 * augmented) go to the executors in chunks, parallelised into one partition per worker: with parameter averaging a
 * chunk is one averaging round ({@code workers x averagingFrequency} batches), so that checkpoints, the time budget
 * and Ctrl-C act between rounds as with {@code --workers}; with shared gradients it is the whole epoch, since each
 * fit starts the executors' mesh anew. The training master leaves the trained parameters in the driver's graph (the
 * loop's); the loop's listeners then see the chunk's batches, with the training loss measured on the driver.
 */
final class SparkFit implements BatchFit {
    private final JavaSparkContext sc;
    private final SparkComputationGraph net;
    private final ComputationGraph graph;
    private final int workers;
    private final int chunk;
    private SparkTrainingStats stats;

    SparkFit(JavaSparkContext sc, ComputationGraph graph, TrainingMaster<?, ?> master, int workers, int chunk) {
        this.sc = sc;
        this.net = new SparkComputationGraph(sc, graph, master);
        this.net.setCollectTrainingStats(true);
        this.graph = graph;
        this.workers = workers;
        this.chunk = chunk;
    }

    @Override
    public void fit(DataSetIterator batches, int count, BooleanSupplier go, Done done) {
        int handed = 0;
        while (handed < count && go.getAsBoolean() && batches.hasNext()) {
            List<DataSet> round = new ArrayList<>();
            while (round.size() < chunk && handed < count && batches.hasNext()) {
                round.add(batches.next());
                handed++;
            }
            net.fit(sc.parallelize(round, Math.min(workers, round.size())));
            SparkTrainingStats latest = net.getSparkTrainingStats();
            stats = latest != null ? latest : stats;
            // The shared-gradients master reports no score; the loss of the round's last batch, now, serves both.
            double score = BatchFit.withoutPenalty(graph.score(round.get(round.size() - 1), false),
                    graph.calcRegularizationScore(true));
            for (DataSet ds : round) {
                done.batch(ds, score);
            }
        }
    }

    /** dl4j-spark's timing statistics of the last round, or null before one. */
    SparkTrainingStats stats() {
        return stats;
    }
}
