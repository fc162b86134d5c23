package net.dl4jnets.common.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import java.util.ArrayDeque;
import java.util.Deque;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import net.dl4jnets.common.backend.Backend;
import net.dl4jnets.engine.Engine;

/** Batches read through the engine's ring of memory are the batches read without it. */
class EngineBatchesTest {
    static final FashionMnist DATA = IdxFixtures.synthetic(300, 10);

    @BeforeAll
    static void backend() {
        Backend.start(1, Backend.Workload.DENSE);
    }

    static ImageBatches batches(int batchSize) {
        return new ImageBatches(DATA.train().all(),
                new ImageBatches.Options(Layout.CONV, batchSize, true, 7, null, Augmentation.NONE));
    }

    /** Every batch read through the ring equals the batch read without it, and still does KEPT batches later. */
    @Test
    void batchesInTheRingMatchFreshOnesUntilKeptMoreAreRead() {
        // batch sizes that grow (the ring reallocates) and shrink (an epoch's last batch)
        for (int batchSize : new int[] {8, 32, 7, 64}) {
            ImageBatches ring = batches(batchSize);
            ImageBatches fresh = batches(batchSize);
            Deque<DataSet[]> held = new ArrayDeque<>(); // {from the ring, a fresh copy}
            for (int epoch = 0; epoch < 2; epoch++) {
                while (ring.hasNext()) {
                    DataSet r = Engine.next(ring);
                    DataSet f = fresh.next();
                    assertTrue(r.getFeatures().isAttached(), "the batch lives in the ring");
                    held.addLast(new DataSet[] {r, f});
                    if (held.size() > Engine.BATCHES_KEPT + 1) {
                        held.removeFirst();
                    }
                    for (DataSet[] pair : held) {
                        assertEquals(pair[1].getFeatures(), pair[0].getFeatures(), "batch size " + batchSize);
                        assertEquals(pair[1].getLabels(), pair[0].getLabels(), "batch size " + batchSize);
                    }
                }
                ring.reset();
                fresh.reset();
            }
        }
    }

    @Test
    void charBatchesCopyTheirOneHotArraysWhole() {
        int[] text = new int[500];
        for (int i = 0; i < text.length; i++) {
            text[i] = (i * 7) % 11;
        }
        CharBatches batches = new CharBatches(text, 11, 20, 4, true, 3);
        DataSet ds = Engine.next(batches);
        INDArray x = ds.getFeatures();
        INDArray y = ds.getLabels();
        assertEquals(4 * 20, x.sumNumber().intValue(), "one 1 per example and time step");
        for (int b = 0; b < 4; b++) {
            for (int t = 0; t + 1 < 20; t++) {
                // the label at t is the input at t + 1
                assertEquals(x.get(point(b), all(), point(t + 1)), y.get(point(b), all(), point(t)));
            }
        }
    }
}
