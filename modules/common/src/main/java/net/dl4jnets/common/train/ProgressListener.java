package net.dl4jnets.common.train;

import java.time.Duration;
import java.util.Locale;

import org.nd4j.linalg.dataset.DataSet;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar per epoch on a terminal (loss and examples per second), and one summary line per epoch. */
final class ProgressListener implements LoopListener {
    private final boolean bar;
    private ProgressBar current;

    ProgressListener(boolean bar) {
        this.bar = bar;
    }

    @Override
    public void onEpochStart(Loop loop) {
        if (bar) {
            current = new ProgressBarBuilder()
                    .setTaskName(String.format(Locale.ROOT, "epoch %d/%d", loop.epoch() + 1, loop.config().epochs()))
                    .setInitialMax(loop.batches())
                    .setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(1000)
                    .setMaxRenderedLength(110)
                    .continuousUpdate()
                    .startsFrom(loop.batch(), Duration.ZERO)
                    .build();
        }
    }

    @Override
    public void onBatch(Loop loop, DataSet batch, double loss) {
        if (current != null) {
            current.step();
            current.setExtraMessage(String.format(Locale.ROOT, "loss %.4f %,.0f ex/s", loss,
                    loop.examples() / loop.epochSeconds()));
        }
    }

    @Override
    public void onEpochEnd(Loop loop, EpochRecord record) {
        close();
        System.out.println(record.summary());
    }

    @Override
    public void onEnd(Loop loop) {
        close();
    }

    private void close() {
        if (current != null) {
            current.close();
            current = null;
        }
    }
}
