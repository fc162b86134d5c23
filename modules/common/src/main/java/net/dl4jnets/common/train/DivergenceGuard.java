package net.dl4jnets.common.train;

import java.nio.file.Path;
import java.util.Locale;

import org.nd4j.linalg.dataset.DataSet;

import net.dl4jnets.common.io.UserError;

/**
 * Stops a run whose loss has blown up, with advice, keeping the last good checkpoint: at once on a NaN or infinite
 * loss, or after {@link #PATIENCE} batches in a row above the limit. A single early spike does not count. DL4J clips
 * the log of a probability at about -23, so a blown-up softmax's loss saturates near 20 instead of turning NaN; the
 * limit (four times the loss of guessing uniformly) catches that.
 */
final class DivergenceGuard implements LoopListener {
    static final int PATIENCE = 10;
    private final double limit;
    private int above;

    DivergenceGuard(double limit) {
        this.limit = limit;
    }

    @Override
    public void onBatch(Loop loop, DataSet batch, double loss) {
        above = loss > limit ? above + 1 : 0;
        if (Double.isFinite(loss) && above < PATIENCE) {
            return;
        }
        Path last = loop.run().checkpoint();
        String kept = last != null ? "The last good checkpoint is kept: " + last + "."
                : "No epoch had completed, so there is no checkpoint.";
        throw new UserError(String.format(Locale.ROOT, "Training diverged: the loss was %.4g at epoch %d, batch %d "
                + "(NaN, infinite, or above %.3g for %d batches in a row). The learning rate is probably too high; "
                + "try one 10x lower with --lr. %s", loss, loop.epoch() + 1, loop.batch(), limit, PATIENCE, kept));
    }
}
