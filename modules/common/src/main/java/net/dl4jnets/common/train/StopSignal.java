package net.dl4jnets.common.train;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.nd4j.linalg.dataset.DataSet;

/**
 * A request, from any thread, that training stop after the current batch (Ctrl-C, a test). The loop commits a
 * checkpoint and returns {@link Trainer.Outcome#INTERRUPTED}; {@link #awaitStopped} lets the requester wait for that.
 * Turning the stop into an exit code belongs to the command layer.
 */
public final class StopSignal {
    private volatile boolean requested;
    private final CountDownLatch stopped = new CountDownLatch(1);

    public void request() {
        requested = true;
    }

    public boolean requested() {
        return requested;
    }

    /** Waits until the loop has ended (its checkpoint written); false if it did not within the time. */
    public boolean awaitStopped(long seconds) throws InterruptedException {
        return stopped.await(seconds, TimeUnit.SECONDS);
    }

    LoopListener listener() {
        return new LoopListener() {
            @Override
            public void onBatch(Loop loop, DataSet batch, double loss) {
                if (requested) {
                    loop.stopNow(Trainer.Outcome.INTERRUPTED);
                }
            }

            @Override
            public void onEpochEnd(Loop loop, EpochRecord record) {
                if (requested) {
                    loop.end(Trainer.Outcome.INTERRUPTED);
                }
            }

            @Override
            public void onEnd(Loop loop) {
                stopped.countDown();
            }
        };
    }
}
