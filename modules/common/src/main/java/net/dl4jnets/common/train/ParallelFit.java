package net.dl4jnets.common.train;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.parallelism.ParallelWrapper;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.schedule.FixedSchedule;

/**
 * An epoch on several replicas of the graph, through DL4J's {@link ParallelWrapper}. The wrapper takes batches in
 * rounds, one per replica, trains them at once, waits for all, and averages the replicas (or, with shared gradients,
 * has each apply every replica's update). Between two rounds every replica is idle, and that is where the loop's
 * listeners run: the iterator the wrapper reads reports the finished round before it hands out the next. So the
 * progress bar, the time budget, checkpoints and Ctrl-C act between rounds, on the graph the loop holds, which
 * DL4J makes the first replica.
 *
 * <p>What differs from one worker: the learning rate the loop sets reaches the other replicas one batch late (they
 * take it after their next step); the graph at the end of an epoch is the first replica, which is the average only
 * if the epoch's last round was an averaging one; and training is not repeatable run to run, since the replicas'
 * threads race for dropout's random numbers. The wrapper's own prefetching is off: it would read batches ahead of
 * the round from another thread, and ours are in memory already.
 */
final class ParallelFit implements BatchFit {
    private final ComputationGraph graph;
    private final Parallelism parallel;

    ParallelFit(ComputationGraph graph, Parallelism parallel) {
        this.graph = graph;
        this.parallel = parallel;
    }

    @Override
    public void fit(DataSetIterator batches, int count, BooleanSupplier go, Done done) {
        List<TrainingListener> own = new ArrayList<>(graph.getListeners());
        Replicas replicas = new Replicas(graph);
        Rounds rounds = new Rounds(batches, count, go, done, parallel.workers(), replicas.scores);
        ParallelWrapper wrapper = new ParallelWrapper.Builder<>(graph)
                .workers(parallel.workers())
                .prefetchBuffer(0)
                .trainingMode(parallel.mode() == Parallelism.Mode.SHARED_GRADIENTS
                        ? ParallelWrapper.TrainingMode.SHARED_GRADIENTS : ParallelWrapper.TrainingMode.AVERAGING)
                .averagingFrequency(parallel.averagingFrequency())
                .build();
        try {
            wrapper.setListeners(replicas); // besides the graph's own, which the builder moved onto the wrapper
            wrapper.fit(rounds);
            rounds.report();
        } finally {
            wrapper.shutdown();
            graph.setListeners(own);
        }
    }

    /** Hears every replica's steps (on its thread): keeps its score and gives it the loop's learning rate. */
    private static final class Replicas extends BaseTrainingListener {
        final Queue<Double> scores = new ConcurrentLinkedQueue<>();
        /** Each replica's penalty before its step (a replica trains on one thread). */
        private final ThreadLocal<Double> penalty = ThreadLocal.withInitial(() -> 0.0);
        private final ComputationGraph loopGraph;

        Replicas(ComputationGraph loopGraph) {
            this.loopGraph = loopGraph;
        }

        @Override
        public void onForwardPass(Model model, Map<String, INDArray> activations) {
            penalty.set(((ComputationGraph) model).calcRegularizationScore(true));
        }

        @Override
        public void iterationDone(Model model, int iteration, int epoch) {
            scores.add(BatchFit.withoutPenalty(model.score(), penalty.get()));
            if (model != loopGraph) {
                double wanted = Trainer.learningRate(loopGraph);
                if (wanted != Trainer.learningRate((ComputationGraph) model)) {
                    LrScheduler.set((ComputationGraph) model, new FixedSchedule(wanted));
                }
            }
        }
    }

    /**
     * The batches as the wrapper reads them. It asks {@code hasNext} once more after collecting a round, before it
     * trains it, and again before the next round: the second time every replica has reported its step, and the
     * round is reported to the loop.
     */
    private static final class Rounds implements DataSetIterator {
        private final DataSetIterator batches;
        private final int count;
        private final BooleanSupplier go;
        private final Done done;
        private final int workers;
        private final Queue<Double> scores;
        private final Queue<DataSet> round = new ArrayDeque<>();
        private int handedOut;

        Rounds(DataSetIterator batches, int count, BooleanSupplier go, Done done, int workers, Queue<Double> scores) {
            this.batches = batches;
            this.count = count;
            this.go = go;
            this.done = done;
            this.workers = workers;
            this.scores = scores;
        }

        /** Reports the batches handed out since the last report, with the replicas' scores. */
        void report() {
            while (!round.isEmpty()) {
                Double score = scores.poll();
                done.batch(round.poll(), score == null ? Double.NaN : score);
            }
        }

        @Override
        public boolean hasNext() {
            if (round.size() == workers && scores.size() >= workers) {
                report();
            }
            return handedOut < count && (!round.isEmpty() || go.getAsBoolean()) && batches.hasNext();
        }

        @Override
        public DataSet next() {
            DataSet ds = batches.next();
            handedOut++;
            round.add(ds);
            return ds;
        }

        @Override
        public DataSet next(int num) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int inputColumns() {
            return batches.inputColumns();
        }

        @Override
        public int totalOutcomes() {
            return batches.totalOutcomes();
        }

        @Override
        public boolean resetSupported() {
            return false;
        }

        @Override
        public boolean asyncSupported() {
            return false;
        }

        @Override
        public void reset() {
            throw new UnsupportedOperationException("an epoch's batches are read once");
        }

        @Override
        public int batch() {
            return batches.batch();
        }

        @Override
        public void setPreProcessor(DataSetPreProcessor preProcessor) {
            throw new UnsupportedOperationException();
        }

        @Override
        public DataSetPreProcessor getPreProcessor() {
            return null;
        }

        @Override
        public List<String> getLabels() {
            return batches.getLabels();
        }
    }
}
