package net.dl4jnets.common.train;

import java.util.Locale;

import net.dl4jnets.common.backend.Backend;
import net.dl4jnets.common.io.UserError;

/**
 * How many replicas of the model train at once, through DL4J's {@code ParallelWrapper}, and how they agree.
 *
 * @param workers            replicas, each fed its own mini-batches (0 = automatic: one on a CPU, one per GPU
 *                           with CUDA); each has {@code threads / workers} of the CPU's threads
 * @param mode               {@link Mode#AVERAGING}: every replica takes its own steps and their parameters (and
 *                           updater states) are averaged every {@code averagingFrequency} rounds;
 *                           {@link Mode#SHARED_GRADIENTS}: every replica applies every replica's gradient, sent
 *                           threshold-encoded, so they never drift apart
 * @param averagingFrequency rounds (one batch per worker) between two averagings
 */
public record Parallelism(int workers, Mode mode, int averagingFrequency) {
    public enum Mode {
        AVERAGING, SHARED_GRADIENTS;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** One replica unless the backend has several GPUs; averaging every 5 rounds when there are more. */
    public static final Parallelism AUTOMATIC = new Parallelism(0, Mode.AVERAGING, 5);

    /**
     * One replica per CPU core, at most {@code most}, averaging every 5 rounds; with CUDA, one per GPU as usual. For
     * models whose many small operations run fastest on one thread each (the transformers'): the other cores then
     * train replicas instead of idling. Resolved when the model's defaults are built, so {@code --help} shows it.
     */
    public static Parallelism onePerCore(int most) {
        int workers = Backend.cuda() ? 0 : Math.max(1, Math.min(most, Runtime.getRuntime().availableProcessors()));
        return new Parallelism(workers, Mode.AVERAGING, AUTOMATIC.averagingFrequency);
    }

    Parallelism validate() {
        if (workers < 0) {
            throw new UserError("--workers must be 0 (one per GPU, or one on a CPU) or positive, got " + workers + ".");
        }
        if (mode == null) {
            throw new UserError("--parallel-mode must be one of averaging, shared-gradients.");
        }
        if (averagingFrequency <= 0) {
            throw new UserError("--averaging-frequency must be positive, got " + averagingFrequency + ".");
        }
        return this;
    }
}
