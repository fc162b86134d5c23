package net.dl4jnets.common.train;

import java.util.List;

import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Where a training run stands, as its {@link LoopListener}s see it, and how they end it: {@link #end} finishes
 * the epoch early (it is still validated and committed) and stops; {@link #stopNow} leaves at once, mid-epoch.
 */
public final class Loop {
    final ComputationGraph graph;
    final RunFolder run;
    final TrainingConfig config;
    final List<EpochRecord> history;
    /** The run folder's bookkeeping, kept by {@link CheckpointListener}; and as it was when the loop started. */
    RunFolder.State state;
    final RunFolder.State startState;
    Trainer.Outcome outcome;
    boolean endEpoch;
    boolean abandonEpoch;
    int epoch;
    int batch;
    int batches;
    long examples;
    double epochSeconds;
    private final long startNanos = System.nanoTime();

    Loop(ComputationGraph graph, RunFolder run, TrainingConfig config, RunFolder.State state,
         List<EpochRecord> history) {
        this.graph = graph;
        this.run = run;
        this.config = config;
        this.state = state;
        this.startState = state;
        this.history = history;
    }

    public ComputationGraph graph() {
        return graph;
    }

    public RunFolder run() {
        return run;
    }

    public TrainingConfig config() {
        return config;
    }

    /** The completed epochs so far, numbered from 1. */
    public List<EpochRecord> history() {
        return history;
    }

    /** The epoch being trained, from 0. */
    public int epoch() {
        return epoch;
    }

    /** Batches done in this epoch, including any done before a resume. */
    public int batch() {
        return batch;
    }

    /** Batches this epoch will train. */
    public int batches() {
        return batches;
    }

    /** Examples trained in this epoch since it (re)started, and the seconds that took. */
    public long examples() {
        return examples;
    }

    public double epochSeconds() {
        return epochSeconds;
    }

    /** Seconds of training in this run, including those before a resume. */
    public double trainingSeconds() {
        return startState.trainingSeconds() + (System.nanoTime() - startNanos) / 1e9;
    }

    /** How the run ended; null while it runs (and if it ended by an exception). */
    public Trainer.Outcome outcome() {
        return outcome;
    }

    /** Ends the epoch after this batch; it is validated and committed, and then the run ends. */
    public void end(Trainer.Outcome why) {
        if (outcome == null) {
            outcome = why;
        }
        endEpoch = true;
    }

    /** Leaves the epoch after this batch without validating it; the run ends. */
    public void stopNow(Trainer.Outcome why) {
        outcome = why;
        endEpoch = true;
        abandonEpoch = true;
    }

    /** True if the run was left in the middle of an epoch. */
    public boolean stoppedMidEpoch() {
        return abandonEpoch;
    }
}
