package net.dl4jnets.common.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;


import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import net.dl4jnets.common.cli.TrainOptions;
import net.dl4jnets.common.cli.UserError;
import net.dl4jnets.common.eval.Evaluator;

/**
 * The one training loop, for any {@link ComputationGraph}: epochs with a progress bar, validation after each,
 * atomic checkpoints, early stopping on the monitored score, resume, a NaN guard, and a clean stop on Ctrl-C.
 *
 * <p>Run folder layout (see {@link RunFolder}): {@code checkpoint.zip} (last epoch, with updater state),
 * {@code model.zip} (best epoch), {@code state.json} (where to resume), {@code metrics.csv}.
 */
public final class Trainer {
    /** What the trainer watches for early stopping and for the best model. */
    public enum Monitor {
        VAL_LOSS, VAL_ACCURACY;

        boolean better(double candidate, double best) {
            if (Double.isNaN(candidate)) {
                return false;
            }
            return Double.isNaN(best) || (this == VAL_LOSS ? candidate < best : candidate > best);
        }

        double of(EpochRecord r) {
            return this == VAL_LOSS ? r.valLoss() : r.valAccuracy();
        }
    }

    /**
     * @param epochs     total epochs of the run (a resumed run continues up to this number)
     * @param patience   stop after this many epochs without improvement; 0 never
     * @param maxBatches stop each epoch after this many batches (smoke tests); 0 for all
     * @param classes    number of classes for accuracy, or 0 for models that are not classifiers
     * @param divergeAbove a loss above this for {@link #PATIENCE_ABOVE_LIMIT} batches in a row stops the run as
     *                   diverged (a NaN or infinite loss stops it at once); a single early spike does not
     * @param schedule   learning rate per epoch, relative to {@code baseLr}; CONSTANT leaves the graph's own rate
     */
    public record Settings(int epochs, int patience, int maxBatches, long seed, Monitor monitor, int classes,
                           boolean progressBar, double divergeAbove, LrSchedule schedule, double baseLr) {
        /** Consecutive batches above {@code divergeAbove} that count as divergence rather than a transient spike. */
        public static final int PATIENCE_ABOVE_LIMIT = 10;

        /** The settings the shared command-line options ask for. */
        public static Settings from(TrainOptions o, Monitor monitor, int classes, double divergeAbove) {
            return new Settings(o.epochs, o.patience, o.maxBatches, o.seed, monitor, classes, System.console() != null,
                    divergeAbove, o.lrSchedule, o.lr);
        }

        /** Without a learning-rate schedule. */
        public Settings(int epochs, int patience, int maxBatches, long seed, Monitor monitor, int classes,
                        boolean progressBar, double divergeAbove) {
            this(epochs, patience, maxBatches, seed, monitor, classes, progressBar, divergeAbove, LrSchedule.CONSTANT,
                    Double.NaN);
        }

        /**
         * For a softmax over n outcomes: 4 ln(n), four times the loss of guessing uniformly. DL4J clips the log of a
         * probability at about -23, so a blown-up network's loss saturates near 20 instead of turning NaN.
         */
        public static double divergenceLimit(int outcomes) {
            return 4 * Math.log(outcomes);
        }
    }

    /** The data of one run: training batches, a fixed sample of training data to measure accuracy on, validation. */
    public record Data(EpochIterator train, DataSetIterator trainSample, DataSetIterator validation) {}

    /** How a run ended. */
    public enum Outcome { COMPLETED, EARLY_STOPPED, INTERRUPTED, TIME_UP }

    public record Result(RunFolder run, List<EpochRecord> history, int bestEpoch, Outcome outcome) {
        public EpochRecord best() {
            return history.stream().filter(r -> r.epoch() == bestEpoch).findFirst().orElse(null);
        }
    }

    /** Listener hook per epoch (the charts use it to redraw curves as the run goes). */
    public interface EpochListener {
        void onEpoch(RunFolder run, List<EpochRecord> history);
    }

    private final Settings settings;
    private final List<EpochListener> epochListeners = new ArrayList<>();
    private final List<TrainingListener> graphListeners = new ArrayList<>();
    private volatile boolean stopRequested;
    private long budgetNanos;
    private long startNanos;
    private boolean timeUp;
    private int batchesAboveLimit;
    private final CountDownLatch stopped = new CountDownLatch(1);

    public Trainer(Settings settings) {
        this.settings = settings;
    }

    public Trainer onEpoch(EpochListener listener) {
        epochListeners.add(listener);
        return this;
    }

    /** DL4J listeners to attach to the graph (the UI's StatsListener, for example). */
    public Trainer withGraphListener(TrainingListener listener) {
        if (listener == null) {
            return this;
        }
        graphListeners.add(listener);
        return this;
    }

    /**
     * Stops training once this much time has gone into it (0 = no limit), in the middle of an epoch if need be: the
     * partial epoch is evaluated and counted. A learning-rate schedule then follows the clock rather than the epochs,
     * so a run cut short by time still ends with small steps.
     */
    public Trainer timeBudget(double minutes) {
        budgetNanos = (long) (minutes * 60e9);
        return this;
    }

    /** Asks the loop to stop after the current batch, write a checkpoint and return. Safe from any thread. */
    public void requestStop() {
        stopRequested = true;
    }

    /**
     * Trains graph on data, writing into run. For a resumed run the caller passes the graph loaded from the run's
     * checkpoint, and training continues where that checkpoint left off.
     */
    public Result fit(ComputationGraph graph, Data data, RunFolder run) {
        RunFolder.State state = run.state();
        List<EpochRecord> history = new ArrayList<>(run.history());
        Outcome outcome = Outcome.COMPLETED;
        for (TrainingListener l : graphListeners) {
            graph.addListeners(l);
        }
        startNanos = System.nanoTime();
        Thread hook = new Thread(this::onSignal, "nets-stop-on-signal");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            for (int epoch = state.epochsDone(); epoch < settings.epochs(); epoch++) {
                EpochRecord record = trainEpoch(graph, data, epoch, state, run);
                if (record == null) {
                    outcome = Outcome.INTERRUPTED;
                    break;
                }
                history.add(record);
                System.out.println(record.summary());
                double score = settings.monitor().of(record);
                boolean improved = settings.monitor().better(score, state.bestScore());
                if (improved) {
                    Checkpoints.saveModel(graph, run.bestModel());
                }
                state = new RunFolder.State(epoch + 1, 0, null, improved ? epoch + 1 : state.bestEpoch(),
                        improved ? score : state.bestScore(), improved ? 0 : state.epochsSinceBest() + 1);
                run.writeMetrics(history);
                run.commit(graph, state);
                for (EpochListener l : epochListeners) {
                    l.onEpoch(run, history);
                }
                if (settings.patience() > 0 && state.epochsSinceBest() >= settings.patience()
                        && epoch + 1 < settings.epochs()) {
                    System.out.printf(Locale.ROOT, "Early stop: no better %s for %d epochs; the best was epoch %d.%n",
                            settings.monitor().name().toLowerCase(Locale.ROOT).replace('_', ' '),
                            state.epochsSinceBest(), state.bestEpoch());
                    outcome = Outcome.EARLY_STOPPED;
                    break;
                }
                if (stopRequested) {
                    outcome = Outcome.INTERRUPTED;
                    break;
                }
                if (timeUp) {
                    System.out.printf(Locale.ROOT, "Time budget of %.1f min used up during epoch %d.%n",
                            budgetNanos / 60e9, epoch + 1);
                    outcome = Outcome.TIME_UP;
                    break;
                }
            }
            if (outcome == Outcome.INTERRUPTED) {
                System.out.println("Stopped. Checkpoint: " + run.checkpoint() + System.lineSeparator()
                        + "Resume with: --resume " + run.dir());
            }
        } finally {
            stopped.countDown(); // lets a signal's shutdown hook finish the exit, now that the checkpoint is written
            removeHook(hook); // refused (and harmless) when the JVM is already shutting down on a signal
        }
        return new Result(run, history, run.state().bestEpoch(), outcome);
    }

    /**
     * Trains one epoch (skipping the batches a previous, interrupted run already did); returns null if a stop was
     * requested mid-epoch, after committing a checkpoint.
     */
    private EpochRecord trainEpoch(ComputationGraph graph, Data data, int epoch, RunFolder.State state, RunFolder run) {
        // Everything random in an epoch is a function of (seed, epoch): resuming at an epoch repeats it exactly.
        Nd4j.getRandom().setSeed(settings.seed() * 1_000_003L + epoch);
        graph.getConfiguration().setEpochCount(epoch);
        if (settings.schedule() != LrSchedule.CONSTANT) {
            graph.setLearningRate(settings.schedule().at(settings.baseLr(), epoch, settings.epochs()));
        }
        EpochIterator train = data.train();
        train.setEpoch(epoch);
        int batches = settings.maxBatches() > 0 ? Math.min(settings.maxBatches(), train.batchesPerEpoch())
                : train.batchesPerEpoch();
        int first = epoch == state.epochsDone() ? state.batchesDone() : 0;
        for (int b = 0; b < first && train.hasNext(); b++) {
            train.next();
        }
        double lossSum = 0;
        long examples = 0;
        long t0 = System.nanoTime();
        try (ProgressBar bar = progressBar(epoch, batches, first)) {
            for (int b = first; b < batches && train.hasNext(); b++) {
                DataSet ds = train.next();
                graph.fit(ds);
                double loss = perStep(graph, ds, graph.score());
                batchesAboveLimit = loss > settings.divergeAbove() ? batchesAboveLimit + 1 : 0;
                if (!Double.isFinite(loss) || batchesAboveLimit >= Settings.PATIENCE_ABOVE_LIMIT) {
                    throw diverged(epoch, b, loss, run);
                }
                lossSum += loss * ds.numExamples();
                examples += ds.numExamples();
                if (bar != null) {
                    double secs = (System.nanoTime() - t0) / 1e9;
                    bar.step();
                    bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f %,.0f ex/s", loss, examples / secs));
                }
                if (budgetNanos > 0 && followClock(graph, epoch, b)) {
                    break;
                }
                if (stopRequested) {
                    run.commit(graph, new RunFolder.State(epoch, b + 1, null, state.bestEpoch(), state.bestScore(),
                            state.epochsSinceBest()));
                    return null;
                }
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Evaluator.Result val = Evaluator.evaluate(graph, data.validation(), settings.classes());
        double trainAcc = data.trainSample() == null ? Double.NaN
                : Evaluator.evaluate(graph, data.trainSample(), settings.classes()).accuracy();
        return new EpochRecord(epoch + 1, lossSum / Math.max(1, examples), trainAcc, val.loss(), val.accuracy(), seconds,
                examples / seconds, learningRate(graph));
    }

    /**
     * Under a time budget: every 20 batches, sets the scheduled rate from the time used (DL4J rebuilds the updater on
     * each change, so not every batch); true once the budget is spent.
     */
    private boolean followClock(ComputationGraph graph, int epoch, int batch) {
        double used = (double) (System.nanoTime() - startNanos) / budgetNanos;
        if (settings.schedule() != LrSchedule.CONSTANT && batch % 20 == 0) {
            double progress = Math.max(used, (double) epoch / settings.epochs());
            graph.setLearningRate(settings.schedule().at(settings.baseLr(), Math.min(1, progress)));
        }
        timeUp = used >= 1;
        return timeUp;
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

    private UserError diverged(int epoch, int batch, double loss, RunFolder run) {
        Path last = run.checkpoint();
        String kept = last != null
                ? "The last good checkpoint is kept: " + last + "."
                : "No epoch had completed, so there is no checkpoint.";
        return new UserError(String.format(Locale.ROOT, "Training diverged: the loss was %.4g at epoch %d, batch %d (NaN, infinite, or above %.3g for "
                + Settings.PATIENCE_ABOVE_LIMIT + " batches in a row). "
                + "The learning rate is probably too high; try one 10x lower with --lr. %s", loss, epoch + 1, batch + 1,
                settings.divergeAbove(), kept));
    }

    private ProgressBar progressBar(int epoch, int batches, int first) {
        if (!settings.progressBar()) {
            return null;
        }
        return new ProgressBarBuilder()
                .setTaskName(String.format(Locale.ROOT, "epoch %d/%d", epoch + 1, settings.epochs()))
                .setInitialMax(batches)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(1000)
                .setMaxRenderedLength(110)
                .continuousUpdate()
                .startsFrom(first, java.time.Duration.ZERO)
                .build();
    }

    /**
     * On SIGINT/SIGTERM: ask the loop to stop, give it time to write its checkpoint and say how to resume, then end
     * the process with exit code 130.
     */
    private void onSignal() {
        stopRequested = true;
        try {
            if (!stopped.await(120, TimeUnit.SECONDS)) {
                System.err.println("Training did not stop within 120 s; the last epoch's checkpoint is kept.");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // The JVM would exit with 128 + the signal's number (143 for SIGTERM); an interrupted run exits with 130
        // whichever signal stopped it, as the command line promises.
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(net.dl4jnets.common.cli.Cli.INTERRUPTED);
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is already exiting; the hook has run
        }
    }
}
