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
 * augmented) go to the executors in chunks of one averaging round: {@code workers x averagingFrequency} batches,
 * parallelised into one partition per worker. Each executor trains its partition's batches on a copy of the
 * network, the training master averages the copies into the driver's graph (the loop's), and the loop's listeners
 * then see the chunk's batches: checkpoints, the time budget and Ctrl-C act between rounds, as with
 * {@code --workers}.
 */
final class SparkFit implements BatchFit {
    private final JavaSparkContext sc;
    private final SparkComputationGraph net;
    private final int workers;
    private final int averagingFrequency;
    private final List<SparkTrainingStats> stats = new ArrayList<>();

    SparkFit(JavaSparkContext sc, ComputationGraph graph, TrainingMaster<?, ?> master, int workers,
             int averagingFrequency) {
        this.sc = sc;
        this.net = new SparkComputationGraph(sc, graph, master);
        this.net.setCollectTrainingStats(true);
        this.workers = workers;
        this.averagingFrequency = averagingFrequency;
    }

    @Override
    public void fit(DataSetIterator batches, int count, BooleanSupplier go, Done done) {
        int chunk = workers * averagingFrequency;
        int handed = 0;
        while (handed < count && go.getAsBoolean() && batches.hasNext()) {
            List<DataSet> round = new ArrayList<>(chunk);
            while (round.size() < chunk && handed < count && batches.hasNext()) {
                round.add(batches.next());
                handed++;
            }
            net.fit(sc.parallelize(round, Math.min(workers, round.size())));
            SparkTrainingStats s = net.getSparkTrainingStats();
            if (s != null) {
                stats.add(s);
            }
            double score = net.getScore();
            for (DataSet ds : round) {
                done.batch(ds, score);
            }
        }
    }

    /** dl4j-spark's timing statistics of every round so far. */
    List<SparkTrainingStats> stats() {
        return stats;
    }
}
