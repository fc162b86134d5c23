package net.dl4jnets.common.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.deeplearning4j.nn.graph.ComputationGraph;

import net.dl4jnets.common.io.AtomicFiles;
import net.dl4jnets.common.io.Json;
import net.dl4jnets.common.io.UserError;

/**
 * One training run's folder, {@code runs/<model>/<timestamp>/}: config.json, metrics.csv, the checkpoint named in
 * state.json, model.zip (the best epoch), eval.json and the plots.
 *
 * <p>A checkpoint is written under a new name, then state.json is switched to it in one atomic rename, then the old
 * one is deleted: whenever the process dies, state.json names a complete checkpoint.
 */
public final class RunFolder {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT);

    /**
     * Where a run stands: epochs fully done, batches done of the next one (after Ctrl-C), the checkpoint that holds
     * that state, the early-stopping bookkeeping, the seconds of training so far (a time budget continues from
     * them), and, for a run stopped mid-epoch, ND4J's random generator state, so that the rest of the epoch draws
     * the same dropout masks as an uninterrupted run would.
     */
    public record State(int epochsDone, int batchesDone, String checkpoint, int bestEpoch, double bestScore,
                        int epochsSinceBest, double trainingSeconds, long[] rng) {
        public static final State FRESH = new State(0, 0, null, -1, Double.NaN, 0, 0, null);

        State withCheckpoint(String name) {
            return new State(epochsDone, batchesDone, name, bestEpoch, bestScore, epochsSinceBest, trainingSeconds,
                    rng);
        }
    }

    private final Path dir;

    private RunFolder(Path dir) {
        this.dir = dir;
    }

    /** A new, empty folder {@code root/model/<timestamp>} (with a suffix if that exists already). */
    public static RunFolder create(Path root, String model) {
        String stamp = LocalDateTime.now().format(STAMP);
        Path base = root.resolve(model);
        try {
            Files.createDirectories(base);
            Path dir = base.resolve(stamp);
            for (int i = 2; Files.exists(dir); i++) {
                dir = base.resolve(stamp + "-" + i);
            }
            Files.createDirectory(dir);
            return new RunFolder(dir);
        } catch (IOException e) {
            throw new UserError("cannot create a run folder under " + base + " (" + e.getMessage() + ").", e);
        }
    }

    /** An existing run folder, for --resume; temporary files that a killed run left behind are removed. */
    public static RunFolder open(Path dir) {
        RunFolder run = new RunFolder(dir);
        if (!Files.isRegularFile(run.stateFile())) {
            throw new UserError(dir + ": the run stopped before its first checkpoint (no state.json there), so there "
                    + "is nothing to resume; start it afresh.");
        }
        State s = run.state();
        if (s.checkpoint() == null) {
            throw new UserError(run.stateFile() + ": field checkpoint is missing; the file is corrupt.");
        }
        if (!Files.isRegularFile(dir.resolve(s.checkpoint()))) {
            throw new UserError(run.stateFile() + " names checkpoint " + s.checkpoint() + ", which is missing.");
        }
        AtomicFiles.removeStale(dir);
        return run;
    }

    public Path dir() {
        return dir;
    }

    public Path file(String name) {
        return dir.resolve(name);
    }

    public Path bestModel() {
        return file("model.zip");
    }

    public Path stateFile() {
        return file("state.json");
    }

    public Path metricsFile() {
        return file("metrics.csv");
    }

    /** The checkpoint that state.json names, or null before the first one. */
    public Path checkpoint() {
        State s = state();
        return s.checkpoint() == null ? null : file(s.checkpoint());
    }

    public State state() {
        return Files.isRegularFile(stateFile()) ? Json.read(stateFile(), State.class) : State.FRESH;
    }

    /**
     * Writes a checkpoint under a fresh name, points state.json at it, then removes older checkpoints; returns the
     * state as written.
     */
    public State commit(ComputationGraph graph, State state) {
        String name = String.format(Locale.ROOT, "checkpoint-e%03d-b%05d.zip", state.epochsDone(), state.batchesDone());
        Checkpoints.saveModel(graph, file(name));
        State written = state.withCheckpoint(name);
        Json.write(written, stateFile());
        try (Stream<Path> old = Files.list(dir)) {
            for (Path p : old.toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith("checkpoint-") && n.endsWith(".zip") && !n.equals(name)) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return written;
    }

    /** The completed epochs (numbered from 1) recorded in metrics.csv (rows beyond the committed state are ignored). */
    public List<EpochRecord> history() {
        List<EpochRecord> rows = new ArrayList<>();
        if (!Files.isRegularFile(metricsFile())) {
            return rows;
        }
        int done = state().epochsDone();
        try {
            for (String line : Files.readAllLines(metricsFile())) {
                if (!line.isBlank() && !line.startsWith("epoch")) {
                    EpochRecord r = EpochRecord.parse(line);
                    if (r.epoch() <= done) {
                        rows.add(r);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    public void writeMetrics(List<EpochRecord> history) {
        StringBuilder sb = new StringBuilder(EpochRecord.CSV_HEADER).append('\n');
        for (EpochRecord r : history) {
            sb.append(r.csv()).append('\n');
        }
        AtomicFiles.writeText(sb.toString(), metricsFile());
    }

    @Override
    public String toString() {
        return dir.toString();
    }
}
