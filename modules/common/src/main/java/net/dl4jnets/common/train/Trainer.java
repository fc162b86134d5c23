package net.dl4jnets.common.train;

import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

import net.dl4jnets.common.data.EpochIterator;
import net.dl4jnets.common.eval.Evaluator;
import net.dl4jnets.common.io.UserError;

/**
 * The one training loop, for any {@link ComputationGraph}: epochs of batches, a validation pass after each, resume
 * from where a checkpoint left off. Everything else is a {@link LoopListener}: the progress bar, checkpoints with early
 * stopping, the divergence guard, the time budget, the learning-rate schedule, the stop on a signal, the dashboard,
 * a model's charts and samples. The loop never exits the process; the command that called it turns the
 * {@link Outcome} into an exit code.
 */
public final class Trainer {
    /**
     * What is being learnt: the classes for accuracy (0 for models that are not classifiers), and the loss above which
     * training counts as diverged ({@link DivergenceGuard}).
     */
    public record Task(int classes, double divergeAbove) {
        /** A softmax over n classes; diverged at four times the loss of guessing uniformly, 4 ln(n). */
        public static Task classifier(int classes) {
            return new Task(classes, 4 * Math.log(classes));
        }

        /** Next-token prediction over a vocabulary: no accuracy, validation loss per step. */
        public static Task languageModel(int vocabulary) {
            return new Task(0, 4 * Math.log(vocabulary));
        }

        /** Refuses a monitor the task cannot measure: accuracy without classes. */
        public Task check(Monitor monitor) {
            if (monitor == Monitor.VAL_ACCURACY && classes == 0) {
                throw new UserError("--monitor " + monitor + ": this model predicts the next token and has no "
                        + "accuracy; use --monitor " + Monitor.VAL_LOSS + ".");
            }
            return this;
        }
    }

    /** The data of one run: training batches, a fixed sample of training data to measure accuracy on, validation. */
    public record Data(EpochIterator train, DataSetIterator trainSample, DataSetIterator validation) {}

    public enum Outcome { COMPLETED, EARLY_STOPPED, INTERRUPTED, TIME_UP }

    public record Result(RunFolder run, List<EpochRecord> history, int bestEpoch, Outcome outcome) {
        public EpochRecord best() {
            return history.stream().filter(r -> r.epoch() == bestEpoch).findFirst().orElse(null);
        }
    }

    private final TrainingConfig config;
    private final Task task;
    private final List<LoopListener> listeners = new ArrayList<>();
    private BatchFit.Factory fitting = BatchFit.STANDARD;

    /** A loop with the standard listeners for these settings, stopped early by {@code stop}. */
    public Trainer(TrainingConfig config, Task task, StopSignal stop) {
        this.config = config;
        this.task = task.check(config.monitor());
        TimeBudget clock = new TimeBudget(config.maxMinutes());
        listeners.add(clock);
        listeners.add(new LrScheduler(config, clock));
        listeners.add(new DivergenceGuard(task.divergeAbove()));
        listeners.add(stop.listener());
        listeners.add(new ProgressListener(System.console() != null));
        listeners.add(new CheckpointListener(config.monitor(), config.patience()));
        if (config.ui()) {
            listeners.add(Dashboard.duringTraining(config.uiPort()));
        }
    }

    /** Adds a listener after the standard ones: charts and samples see each epoch once it is committed. */
    public Trainer listen(LoopListener listener) {
        listeners.add(listener);
        return this;
    }

    /** Puts the batches through the graph another way: on a cluster, for example. */
    public Trainer fitWith(BatchFit.Factory fitting) {
        this.fitting = fitting;
        return this;
    }

    /**
     * Trains graph on data, writing into run. For a resumed run the caller passes the graph loaded from the run's
     * checkpoint, and training continues where that checkpoint left off.
     */
    public Result fit(ComputationGraph graph, Data data, RunFolder run) {
        Loop loop = new Loop(graph, run, config, run.state(), new ArrayList<>(run.history()));
        try {
            listeners.forEach(l -> l.onStart(loop));
            BatchFit fit = fitting.of(graph, config, run);
            for (int epoch = loop.state.epochsDone(); epoch < config.epochs() && loop.outcome == null; epoch++) {
                EpochRecord record = trainEpoch(loop, data, epoch, fit);
                if (record == null) {
                    break;
                }
                loop.history.add(record);
                listeners.forEach(l -> l.onEpochEnd(loop, record));
            }
            loop.outcome = loop.outcome == null ? Outcome.COMPLETED : loop.outcome;
        } finally {
            listeners.forEach(l -> l.onEnd(loop));
        }
        return new Result(run, loop.history, loop.state.bestEpoch(), loop.outcome);
    }

    /**
     * Trains one epoch (skipping the batches an interrupted run already did) and validates; returns null if a
     * listener stopped the run mid-epoch.
     */
    private EpochRecord trainEpoch(Loop loop, Data data, int epoch, BatchFit fit) {
        // Everything random in an epoch is a function of (seed, epoch): resuming at an epoch repeats it exactly.
        Nd4j.getRandom().setSeed(config.seed() * 1_000_003L + epoch);
        ComputationGraph graph = loop.graph;
        graph.getConfiguration().setEpochCount(epoch);
        EpochIterator train = data.train();
        train.setEpoch(epoch);
        loop.epoch = epoch;
        loop.batches = config.maxBatches() > 0 ? Math.min(config.maxBatches(), train.batchesPerEpoch())
                : train.batchesPerEpoch();
        loop.batch = epoch == loop.state.epochsDone() ? loop.state.batchesDone() : 0;
        for (int b = 0; b < loop.batch && train.hasNext(); b++) {
            train.next();
        }
        long[] rng = loop.state.rng();
        if (loop.batch > 0 && rng != null) { // resuming mid-epoch: the dropout masks go on as they would have
            Nd4j.getRandom().setStates(rng[0], rng[1]);
        }
        listeners.forEach(l -> l.onEpochStart(loop));
        double[] lossSum = {0};
        long t0 = System.nanoTime();
        loop.examples = 0;
        fit.fit(train, loop.batches - loop.batch,
                () -> !loop.endEpoch && !loop.abandonEpoch, (ds, score) -> {
                    double loss = perStep(graph, ds, score);
                    lossSum[0] += loss * ds.numExamples();
                    loop.examples += ds.numExamples();
                    loop.batch++;
                    loop.epochSeconds = (System.nanoTime() - t0) / 1e9;
                    listeners.forEach(l -> l.onBatch(loop, ds, loss));
                });
        if (loop.abandonEpoch) {
            return null;
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Evaluator.Result val = Evaluator.evaluate(graph, data.validation(), task.classes());
        double trainAcc = data.trainSample() == null ? Double.NaN
                : Evaluator.evaluate(graph, data.trainSample(), task.classes()).accuracy();
        return new EpochRecord(epoch + 1, lossSum[0] / Math.max(1, loop.examples), trainAcc, val.loss(), val.accuracy(),
                seconds, loop.examples / seconds, learningRate(graph));
    }

    /**
     * DL4J scores a sequence output as the sum over its time steps (for truncated BPTT, over the last segment's),
     * averaged over the batch; the loss per step (nats per character for a language model) is what people compare.
     */
    static double perStep(ComputationGraph graph, DataSet ds, double score) {
        if (ds.getLabels().rank() != 3) {
            return score;
        }
        long steps = ds.getLabels().size(2);
        var conf = graph.getConfiguration();
        if (conf.getBackpropType() == BackpropType.TruncatedBPTT && conf.getTbpttFwdLength() < steps) {
            long segment = conf.getTbpttFwdLength();
            steps = steps % segment == 0 ? segment : steps % segment;
        }
        return score / steps;
    }

    /** The learning rate the updater uses now (after any schedule), read from the first layer that has one. */
    static double learningRate(ComputationGraph graph) {
        for (var layer : graph.getLayers()) {
            Double lr = graph.getLearningRate(layer.conf().getLayer().getLayerName());
            if (lr != null) {
                return lr;
            }
        }
        return Double.NaN;
    }
}
