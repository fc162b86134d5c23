package net.dl4jnets.common.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

import org.nd4j.linalg.schedule.FixedSchedule;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

import net.dl4jnets.common.backend.Backend;
import net.dl4jnets.common.io.UserError;

/**
 * Every training setting the models share, as one value: the command line builds it ({@code TrainOptions}), a model
 * declares its defaults in it, {@code compare} applies its budget to it, and the run records it in config.json.
 * Nothing that trains sees the command line.
 *
 * @param limit      train on at most this many examples (0 = all)
 * @param valSize    examples held out of training for validation
 * @param patience   stop after this many epochs without a better validation score (0 = never)
 * @param maxBatches stop each epoch after this many batches, for smoke tests (0 = all)
 * @param maxMinutes stop after this much training, mid-epoch if need be (0 = no limit)
 * @param threads    CPU threads for ND4J (0 = the measured best for the model's workload)
 * @param parallel   replicas trained at once ({@link Parallelism}); null in a record written before it, read as
 *                   {@link Parallelism#AUTOMATIC}
 * @param out        where run folders go (null = runs/ in the project)
 * @param dataDir    where the dataset is (null = the standard places)
 * @param resume     a run folder to continue (null = a fresh run)
 * @param noTest     end at the best epoch's validation figures without reading the test split, as runs that choose
 *                   a recipe do; false in a record written before it
 * @param monitor    the validation score that picks the epoch kept and tested, and that {@code patience} watches;
 *                   null in a record written before it, read as {@link Monitor#VAL_LOSS}
 */
public record TrainingConfig(int epochs, int batchSize, double lr, LrSchedule lrSchedule, double clipNorm, long seed,
                             int limit, int valSize, int patience, int maxBatches, double maxMinutes, int threads,
                             Parallelism parallel, Path out, Path dataDir, boolean ui, int uiPort, Path resume,
                             boolean noTest, Monitor monitor) {
    /** What a model starts from before it sets its own epochs, batch size, rate and schedule. */
    public static final TrainingConfig DEFAULTS = new TrainingConfig(10, 128, 1e-3, LrSchedule.CONSTANT, 0, 42, 0,
            5000, 0, 0, 0, 0, Parallelism.AUTOMATIC, null, null, false, 9000, null, false, Monitor.VAL_LOSS);

    public TrainingConfig {
        parallel = parallel == null ? Parallelism.AUTOMATIC : parallel;
        monitor = monitor == null ? Monitor.VAL_LOSS : monitor;
    }

    /**
     * The learning rate as DL4J's updaters take it ({@code new Adam(t.learningRate())}): the {@link LrSchedule} over
     * this run's epochs, in DL4J's own schedules, which DL4J applies at each epoch, so the network's configuration
     * and every model file say what rate ran when. A constant rate is a {@link FixedSchedule}, any other one a
     * {@link MapSchedule} from epoch to rate. Under a time budget, or with a warm-up, the rate follows the clock or
     * the batches instead: the trainer then writes what ran into the updater as it goes ({@code LrScheduler}).
     */
    public ISchedule learningRate() {
        if (lrSchedule == LrSchedule.CONSTANT) {
            return new FixedSchedule(lr);
        }
        Map<Integer, Double> byEpoch = new HashMap<>();
        for (int e = 0; e < epochs; e++) {
            byEpoch.put(e, lrSchedule.at(lr, e, epochs));
        }
        return new MapSchedule(ScheduleType.EPOCH, byEpoch);
    }

    /** The settings as the backend resolved them: automatic thread and worker counts replaced by those in use. */
    public TrainingConfig resolvedBy(Backend.BackendInfo backend) {
        return withThreads(backend.threads()).withParallel(new Parallelism(backend.workers(), parallel.mode(),
                parallel.averagingFrequency()));
    }

    /** Rejects impossible values with one clear line each, named by their command-line option. */
    public TrainingConfig validate() {
        positive("--epochs", epochs);
        positive("--batch-size", batchSize);
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new UserError("--lr must be a positive number, got " + lr + ".");
        }
        if (lrSchedule == null) {
            throw new UserError("--lr-schedule must be one of constant, cosine, step.");
        }
        nonNegative("--limit", limit);
        nonNegative("--val-size", valSize);
        nonNegative("--patience", patience);
        nonNegative("--max-batches", maxBatches);
        if (!(maxMinutes >= 0) || Double.isInfinite(maxMinutes)) {
            throw new UserError("--max-minutes must be 0 (no limit) or a positive number, got " + maxMinutes + ".");
        }
        if (!(clipNorm >= 0) || Double.isInfinite(clipNorm)) {
            throw new UserError("--clip-norm must be 0 (off) or a positive number, got " + clipNorm + ".");
        }
        if (threads < 0) {
            throw new UserError("--threads must be 0 (automatic) or positive, got " + threads + ".");
        }
        parallel.validate();
        if (uiPort < 0 || uiPort > 65535) {
            throw new UserError("--ui-port must be a port number between 0 and 65535, got " + uiPort + ".");
        }
        if (resume != null) {
            checkResumable(resume);
        }
        return this;
    }

    /** A folder that --resume can continue: a run folder with a committed checkpoint. */
    private static void checkResumable(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new UserError("--resume " + dir + ": not a run folder (no such folder).");
        }
        if (!Files.isRegularFile(dir.resolve("config.json"))) {
            throw new UserError("--resume " + dir + ": not a run folder (no config.json there).");
        }
        if (!Files.isRegularFile(dir.resolve("state.json"))) {
            throw new UserError("--resume " + dir + ": the run stopped before its first checkpoint (no state.json "
                    + "there), so there is nothing to resume; start it afresh without --resume.");
        }
    }

    public TrainingConfig withEpochs(int v) {
        return copy(b -> b.epochs = v);
    }

    public TrainingConfig withBatchSize(int v) {
        return copy(b -> b.batchSize = v);
    }

    public TrainingConfig withLr(double v) {
        return copy(b -> b.lr = v);
    }

    public TrainingConfig withLrSchedule(LrSchedule v) {
        return copy(b -> b.lrSchedule = v);
    }

    public TrainingConfig withClipNorm(double v) {
        return copy(b -> b.clipNorm = v);
    }

    public TrainingConfig withSeed(long v) {
        return copy(b -> b.seed = v);
    }

    /** The data a run sees: at most {@code limit} training examples, {@code valSize} of them held out. */
    public TrainingConfig withData(int limit, int valSize, Path dataDir) {
        return copy(b -> {
            b.limit = limit;
            b.valSize = valSize;
            b.dataDir = dataDir;
        });
    }

    /** How long a run may go: a cap of batches per epoch (0 = all) and of minutes (0 = none). */
    public TrainingConfig withLimits(int maxBatches, double maxMinutes) {
        return copy(b -> {
            b.maxBatches = maxBatches;
            b.maxMinutes = maxMinutes;
        });
    }

    public TrainingConfig withThreads(int v) {
        return copy(b -> b.threads = v);
    }

    public TrainingConfig withParallel(Parallelism v) {
        return copy(b -> b.parallel = v);
    }

    public TrainingConfig withOut(Path v) {
        return copy(b -> b.out = v);
    }

    public TrainingConfig withPatience(int v) {
        return copy(b -> b.patience = v);
    }

    public TrainingConfig withDashboard(boolean on, int port) {
        return copy(b -> {
            b.ui = on;
            b.uiPort = port;
        });
    }

    public TrainingConfig withResume(Path v) {
        return copy(b -> b.resume = v);
    }

    public TrainingConfig withNoTest(boolean v) {
        return copy(b -> b.noTest = v);
    }

    public TrainingConfig withMonitor(Monitor v) {
        return copy(b -> b.monitor = v);
    }

    /**
     * This value with some fields changed: the one place that lists every field, so a new setting is added here and
     * in the record header, not in every {@code with} method.
     */
    private TrainingConfig copy(Consumer<Fields> change) {
        Fields b = new Fields(this);
        change.accept(b);
        return new TrainingConfig(b.epochs, b.batchSize, b.lr, b.lrSchedule, b.clipNorm, b.seed, b.limit, b.valSize,
                b.patience, b.maxBatches, b.maxMinutes, b.threads, b.parallel, b.out, b.dataDir, b.ui, b.uiPort,
                b.resume, b.noTest, b.monitor);
    }

    /** The record's fields, open for {@link #copy} to change. */
    private static final class Fields {
        int epochs;
        int batchSize;
        double lr;
        LrSchedule lrSchedule;
        double clipNorm;
        long seed;
        int limit;
        int valSize;
        int patience;
        int maxBatches;
        double maxMinutes;
        int threads;
        Parallelism parallel;
        Path out;
        Path dataDir;
        boolean ui;
        int uiPort;
        Path resume;
        boolean noTest;
        Monitor monitor;

        Fields(TrainingConfig t) {
            epochs = t.epochs;
            batchSize = t.batchSize;
            lr = t.lr;
            lrSchedule = t.lrSchedule;
            clipNorm = t.clipNorm;
            seed = t.seed;
            limit = t.limit;
            valSize = t.valSize;
            patience = t.patience;
            maxBatches = t.maxBatches;
            maxMinutes = t.maxMinutes;
            threads = t.threads;
            parallel = t.parallel;
            out = t.out;
            dataDir = t.dataDir;
            ui = t.ui;
            uiPort = t.uiPort;
            resume = t.resume;
            noTest = t.noTest;
            monitor = t.monitor;
        }
    }

    private static void positive(String name, int v) {
        if (v <= 0) {
            throw new UserError(name + " must be positive, got " + v + ".");
        }
    }

    private static void nonNegative(String name, int v) {
        if (v < 0) {
            throw new UserError(name + " must be 0 or positive, got " + v + ".");
        }
    }
}
