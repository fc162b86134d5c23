package net.dl4jnets.common.train;

import java.util.HashMap;
import java.util.Map;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.samediff.AbstractSameDiffLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/**
 * The learning rate of a run, from one owner: the run's {@link TrainingConfig#learningRate() schedule}, which the
 * model builders put in their updaters. A constant rate is left as the builder wrote it. Where the schedule is a
 * function of the epoch, DL4J applies it itself, from the updater's configuration; at the start this puts the run's
 * schedule there again (a resumed run may train more epochs than its model file's schedule covers). Under a time budget
 * the rate follows the clock, and a {@linkplain LrSchedule#continuous() warm-up} follows the batches: then, at the
 * start of every epoch and every 20 batches (DL4J rebuilds the updater on each change, so not every batch), the rate
 * is written into the updater as DL4J's own schedule from iteration to rate, holding every value set so far, so that
 * the saved configuration says what ran.
 */
final class LrScheduler implements LoopListener {
    private static final int CLOCK_EVERY = 20;
    private final TrainingConfig config;
    private final LrSchedule schedule;
    private final double base;
    private final int epochs;
    private final TimeBudget clock;
    private final Map<Integer, Double> ran = new HashMap<>(); // iteration -> rate, while the rate follows the run

    LrScheduler(TrainingConfig config, TimeBudget clock) {
        this.config = config;
        this.schedule = config.lrSchedule();
        this.base = config.lr();
        this.epochs = config.epochs();
        this.clock = clock;
    }

    private boolean follows() {
        return schedule != LrSchedule.CONSTANT && (clock.active() || schedule.continuous());
    }

    @Override
    public void onStart(Loop loop) {
        ComputationGraph graph = loop.graph();
        if (schedule == LrSchedule.CONSTANT) {
            return; // the graph's own rate, as its builder wrote it
        }
        if (!follows()) {
            set(graph, config.learningRate());
            return;
        }
        // a resumed run that followed the clock before keeps what ran then
        if (schedule(graph) instanceof MapSchedule m && m.getScheduleType() == ScheduleType.ITERATION) {
            ran.putAll(m.getValues());
        }
        ran.putIfAbsent(0, config.learningRate().valueAt(0, 0));
    }

    @Override
    public void onEpochStart(Loop loop) {
        if (follows()) {
            set(loop.graph(), schedule.at(base, loop.epoch(), epochs));
        }
    }

    @Override
    public void onBatch(Loop loop, DataSet batch, double loss) {
        if (!follows() || (loop.batch() - 1) % CLOCK_EVERY != 0) {
            return;
        }
        double byEpochs = (loop.epoch() + (double) loop.batch() / loop.batches()) / epochs;
        if (clock.active()) {
            double progress = Math.max(clock.used(), schedule.continuous() ? byEpochs : (double) loop.epoch() / epochs);
            set(loop.graph(), schedule.at(base, Math.min(1, progress)));
        } else {
            set(loop.graph(), schedule.at(base, Math.min(1, byEpochs)));
        }
    }

    /** From the next iteration on, {@code rate}; the updater's schedule holds it beside every earlier one. */
    private void set(ComputationGraph graph, double rate) {
        ran.put(graph.getConfiguration().getIterationCount(), rate);
        set(graph, new MapSchedule(ScheduleType.ITERATION, new HashMap<>(ran)));
    }

    /**
     * Gives every layer's updater the learning-rate {@code schedule}. DL4J's {@code setLearningRate} changes only its
     * own kinds of layer ({@code BaseLayer}), so the suite's attention layers ({@code AbstractSameDiffLayer}) kept
     * the rate they were built with while the schedule moved the rest; their updaters are set here first, and
     * DL4J's call then rebuilds the updater once for all.
     */
    static void set(ComputationGraph graph, ISchedule schedule) {
        for (Layer layer : graph.getLayers()) {
            if (layer.conf().getLayer() instanceof AbstractSameDiffLayer s) {
                for (IUpdater u : new IUpdater[] {s.getUpdater(), s.getBiasUpdater()}) {
                    if (u != null && u.hasLearningRate()) {
                        u.setLrAndSchedule(Double.NaN, schedule);
                    }
                }
            }
        }
        graph.setLearningRate(schedule);
    }

    /** The learning-rate schedule of the graph's first layer whose updater (the suite's: Adam, Nesterov) has one. */
    static ISchedule schedule(ComputationGraph graph) {
        for (Layer layer : graph.getLayers()) {
            var conf = layer.conf().getLayer();
            IUpdater u = conf instanceof BaseLayer b ? b.getIUpdater()
                    : conf instanceof AbstractSameDiffLayer s ? s.getUpdater() : null;
            ISchedule schedule = u instanceof Adam a ? a.getLearningRateSchedule()
                    : u instanceof Nesterovs n ? n.getLearningRateSchedule() : null;
            if (schedule != null) {
                return schedule;
            }
        }
        return null;
    }
}
