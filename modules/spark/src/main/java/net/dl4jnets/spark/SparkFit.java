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
 * augmented) go to the executors in chunks, parallelised into one partition per worker, either inside the tasks or,
 * with a {@link BatchFolder}, as file names the executors open themselves: with parameter averaging a
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
    private final BatchFolder folder;
    private final boolean sameEveryEpoch;
    private final long seed;
    private SparkTrainingStats stats;

    /**
     * @param folder where the executors read the batches from, or null to send them in the tasks
     * @param sameEveryEpoch whether an epoch's batches are the same examples every epoch (no augmentation), so the
     *        folder's set is written once and shuffled by {@code seed} and the epoch
     */
    SparkFit(JavaSparkContext sc, ComputationGraph graph, TrainingMaster<?, ?> master, int workers, int chunk,
             BatchFolder folder, boolean sameEveryEpoch, long seed) {
        this.sc = sc;
        this.folder = folder;
        this.sameEveryEpoch = sameEveryEpoch;
        this.seed = seed;
        this.net = new SparkComputationGraph(sc, graph, master);
        this.net.setCollectTrainingStats(true);
        this.graph = graph;
        this.workers = workers;
        this.chunk = chunk;
    }

    @Override
    public void fit(DataSetIterator batches, int count, BooleanSupplier go, Done done) {
        // Without augmentation a complete set on file is this epoch's batches in another order: only names go out.
        boolean reuse = folder != null && sameEveryEpoch && folder.size() >= count && folder.size() > 0;
        List<String> order = reuse ? folder.shuffled(seed * 1_000_003L + graph.getConfiguration().getEpochCount())
                : null;
        if (folder != null && !reuse) {
            folder.clear();
        }
        int handed = 0;
        while (handed < count && go.getAsBoolean() && batches.hasNext()) {
            List<DataSet> round = new ArrayList<>();
            List<String> paths = new ArrayList<>();
            while (round.size() < chunk && handed < count && batches.hasNext()) {
                DataSet ds = batches.next();
                round.add(ds);
                if (folder != null) {
                    paths.add(reuse ? order.get(handed) : folder.write(ds));
                }
                handed++;
            }
            int partitions = Math.min(workers, round.size());
            if (folder != null) {
                net.fitPaths(sc.parallelize(paths, partitions));
            } else {
                net.fit(sc.parallelize(round, partitions));
            }
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
