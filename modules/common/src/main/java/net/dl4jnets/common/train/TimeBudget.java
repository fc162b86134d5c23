package net.dl4jnets.common.train;

import java.util.Locale;

import org.nd4j.linalg.dataset.DataSet;

/**
 * Ends training once {@code minutes} of it have passed (0 = no limit), in the middle of an epoch if need be: the
 * partial epoch is validated and counted. {@link LrScheduler} reads the clock, so a run cut short by time still
 * ends with small steps. A resumed run continues the clock where it stopped.
 */
final class TimeBudget implements LoopListener {
    private final long budgetNanos;
    private Loop loop;

    TimeBudget(double minutes) {
        this.budgetNanos = (long) (minutes * 60e9);
    }

    boolean active() {
        return budgetNanos > 0;
    }

    /** The part of the budget used so far (may exceed 1), counting the time before a resume. */
    double used() {
        return loop.trainingSeconds() * 1e9 / budgetNanos;
    }

    @Override
    public void onStart(Loop loop) {
        this.loop = loop;
    }

    @Override
    public void onBatch(Loop loop, DataSet batch, double loss) {
        if (active() && used() >= 1) {
            loop.end(Trainer.Outcome.TIME_UP);
        }
    }

    @Override
    public void onEnd(Loop loop) {
        if (loop.outcome() == Trainer.Outcome.TIME_UP) {
            System.out.printf(Locale.ROOT, "Time budget of %.1f min used up during epoch %d.%n", budgetNanos / 60e9,
                    loop.epoch() + 1);
        }
    }
}
