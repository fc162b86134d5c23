package net.dl4jnets.common.train;

import org.nd4j.linalg.dataset.DataSet;

/**
 * Sets the learning rate of the {@link LrSchedule}: at the start of every epoch from the epoch, and every 20 batches
 * from the clock under a time budget or from the batch for a {@linkplain LrSchedule#continuous() continuous}
 * schedule (DL4J rebuilds the updater on each change, so not every batch). A constant schedule leaves the graph's
 * own rate alone.
 */
final class LrScheduler implements LoopListener {
    private static final int CLOCK_EVERY = 20;
    private final LrSchedule schedule;
    private final double base;
    private final int epochs;
    private final TimeBudget clock;

    LrScheduler(LrSchedule schedule, double base, int epochs, TimeBudget clock) {
        this.schedule = schedule;
        this.base = base;
        this.epochs = epochs;
        this.clock = clock;
    }

    @Override
    public void onEpochStart(Loop loop) {
        if (schedule != LrSchedule.CONSTANT) {
            loop.graph().setLearningRate(schedule.at(base, loop.epoch(), epochs));
        }
    }

    @Override
    public void onBatch(Loop loop, DataSet batch, double loss) {
        if (schedule == LrSchedule.CONSTANT || (loop.batch() - 1) % CLOCK_EVERY != 0) {
            return;
        }
        double byEpochs = (loop.epoch() + (double) loop.batch() / loop.batches()) / epochs;
        if (clock.active()) {
            double progress = Math.max(clock.used(), schedule.continuous() ? byEpochs : (double) loop.epoch() / epochs);
            loop.graph().setLearningRate(schedule.at(base, Math.min(1, progress)));
        } else if (schedule.continuous()) {
            loop.graph().setLearningRate(schedule.at(base, Math.min(1, byEpochs)));
        }
    }
}
