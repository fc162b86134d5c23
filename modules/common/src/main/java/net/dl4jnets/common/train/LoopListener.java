package net.dl4jnets.common.train;

import java.util.function.Consumer;

import org.nd4j.linalg.dataset.DataSet;

/** Watches the loop; may end it through {@link Loop#end} or {@link Loop#stopNow}. Called on the loop's thread. */
public interface LoopListener {
    default void onStart(Loop loop) {}

    default void onEpochStart(Loop loop) {}

    /** After each batch's update, with the batch's loss per example (per step for sequences). */
    default void onBatch(Loop loop, DataSet batch, double loss) {}

    /** After the epoch's validation; the record is already in {@link Loop#history()}. */
    default void onEpochEnd(Loop loop, EpochRecord record) {}

    /** Always called last, also when the loop ends by an exception ({@link Loop#outcome()} is then null). */
    default void onEnd(Loop loop) {}

    /** A listener that acts once each epoch is committed (charts, samples). */
    static LoopListener afterEachEpoch(Consumer<Loop> action) {
        return new LoopListener() {
            @Override
            public void onEpochEnd(Loop loop, EpochRecord record) {
                action.accept(loop);
            }
        };
    }
}
