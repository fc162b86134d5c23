package net.dl4jnets.common.data;

import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * A training iterator whose order depends only on (seed, epoch), so that a resumed run sees exactly the batches an
 * uninterrupted one would have.
 */
public interface EpochIterator extends DataSetIterator {
    /** Rewinds to the start of the given epoch. */
    void setEpoch(int epoch);

    int batchesPerEpoch();
}
