package net.dl4jnets.common.train;

import java.util.Locale;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * After every epoch: keeps the best model (model.zip), rewrites metrics.csv, commits a checkpoint with the run's
 * bookkeeping (state.json), and stops the run once the monitored score has not improved for {@code patience} epochs.
 * A run stopped mid-epoch is committed at its batch, so {@code --resume} continues from there.
 */
final class CheckpointListener implements LoopListener {
    private final Monitor monitor;
    private final int patience;

    CheckpointListener(Monitor monitor, int patience) {
        this.monitor = monitor;
        this.patience = patience;
    }

    @Override
    public void onEpochEnd(Loop loop, EpochRecord record) {
        RunFolder.State s = loop.state;
        ComputationGraph graph = loop.graph();
        double score = monitor.of(record);
        boolean improved = monitor.better(score, s.bestScore());
        if (improved) {
            Checkpoints.saveModel(graph, loop.run().bestModel());
        }
        loop.run().writeMetrics(loop.history());
        loop.state = loop.run().commit(graph, new RunFolder.State(record.epoch(), 0, null,
                improved ? record.epoch() : s.bestEpoch(), improved ? score : s.bestScore(),
                improved ? 0 : s.epochsSinceBest() + 1, loop.trainingSeconds(), null));
        if (patience > 0 && loop.state.epochsSinceBest() >= patience && record.epoch() < loop.config().epochs()) {
            System.out.printf(Locale.ROOT, "Early stop: no better %s for %d epochs; the best was epoch %d.%n",
                    monitor.name().toLowerCase(Locale.ROOT).replace('_', ' '), loop.state.epochsSinceBest(),
                    loop.state.bestEpoch());
            loop.end(Trainer.Outcome.EARLY_STOPPED);
        }
    }

    @Override
    public void onEnd(Loop loop) {
        if (loop.outcome() != Trainer.Outcome.INTERRUPTED) {
            return;
        }
        if (loop.stoppedMidEpoch()) {
            RunFolder.State s = loop.state;
            Random rng = Nd4j.getRandom();
            loop.state = loop.run().commit(loop.graph(), new RunFolder.State(loop.epoch(), loop.batch(), null,
                    s.bestEpoch(), s.bestScore(), s.epochsSinceBest(), loop.trainingSeconds(),
                    new long[] {rng.rootState(), rng.nodeState()}));
        }
        System.out.println("Stopped. Checkpoint: " + loop.run().checkpoint() + System.lineSeparator()
                + "Resume with: --resume " + loop.run().dir());
    }
}
