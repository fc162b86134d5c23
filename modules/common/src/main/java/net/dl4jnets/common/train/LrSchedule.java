package net.dl4jnets.common.train;

import java.util.Locale;

/**
 * How the learning rate changes from epoch to epoch. The trainer sets it at the start of every epoch, so a schedule
 * is a pure function of the epoch and a resumed run follows the same curve.
 */
public enum LrSchedule {
    /** The same rate throughout. */
    CONSTANT,
    /** Half a cosine from the base rate down towards 0 at the end of the run: large steps early, fine ones late. */
    COSINE,
    /** The base rate, then a tenth of it from half-way, then a hundredth from three quarters of the run. */
    STEP,
    /**
     * A linear warm-up from a tenth of the base rate over the first 5% of the run, then the cosine: Adam's first steps
     * rest on poor estimates of the gradients' scale, and a transformer trained at a high rate from its first batch
     * can lose its way. Set every 20 batches, not once an epoch.
     */
    WARMUP;

    static final double WARMUP_SHARE = 0.05;

    /** True if the rate changes within an epoch, as the run goes, not only at each epoch's start. */
    public boolean continuous() {
        return this == WARMUP;
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The rate for epoch (0-based) of a run of {@code epochs}. */
    public double at(double base, int epoch, int epochs) {
        return at(base, epochs <= 1 ? 0 : (double) epoch / epochs);
    }

    /** The rate after {@code progress} (0 to 1) of the run, whether measured in epochs or in time. */
    public double at(double base, double progress) {
        return switch (this) {
            case CONSTANT -> base;
            case COSINE -> base * 0.5 * (1 + Math.cos(Math.PI * progress));
            case STEP -> base * (progress < 0.5 ? 1 : progress < 0.75 ? 0.1 : 0.01);
            case WARMUP -> progress < WARMUP_SHARE ? base * (0.1 + 0.9 * progress / WARMUP_SHARE)
                    : COSINE.at(base, (progress - WARMUP_SHARE) / (1 - WARMUP_SHARE));
        };
    }
}
