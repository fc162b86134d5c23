package net.dl4jnets.engine;

import java.nio.ByteOrder;
import java.util.Arrays;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;


/**
 * Reads batches into one ring of memory that later batches reuse, for loops that are done with a batch before they
 * read the next few. A batch in fresh native memory costs ND4J its page faults: 0.3 ms for the 400 KB of 128
 * Fashion-MNIST images, a fifth of the MLP's whole training step. DL4J's own {@code AsyncDataSetIterator} reads
 * into such a ring, and its graphs take input that lives there.
 *
 * <p>A batch's arrays stay valid while fewer than {@link #KEPT} further batches have been read in the same thread.
 * The iterator must not keep arrays it makes in {@code next()} (the suite's iterators make fresh ones per batch).
 *
 * <p>Both the ring and the one-block copy are the fast engine's ({@link Engine#active()}): with the stock engine,
 * and on any backend but the CPU's, a batch is read as a DL4J application reads it, into fresh arrays.
 */
final class BatchWorkspace {
    /** Batches read after this one before its memory may be reused. */
    static final int KEPT = 2;

    private static final String ID = "nets-batches";

    // as AsyncDataSetIterator's: learn one batch's size, then a ring of KEPT + 1 of them; a larger batch reallocates
    private static final WorkspaceConfiguration RING = WorkspaceConfiguration.builder()
            .minSize(1024L * 1024L)
            .overallocationLimit(KEPT)
            .policyReset(ResetPolicy.ENDOFBUFFER_REACHED)
            .policyLearning(LearningPolicy.FIRST_LOOP)
            .policyAllocation(AllocationPolicy.OVERALLOCATE)
            .policySpill(SpillPolicy.REALLOCATE)
            .build();

    private BatchWorkspace() {}

    /**
     * A new 'c'-order array of {@code shape} holding the first elements of {@code values} (a batch buffer may be
     * longer than the last batch), copied in one block: in a workspace, {@code Nd4j.create(float[], ...)} copies
     * element by element (0.25 ms for a batch of 128 images).
     */
    static INDArray floats(float[] values, long... shape) {
        if (!Engine.active()) {
            int n = Math.toIntExact(Arrays.stream(shape).reduce(1, Math::multiplyExact));
            return Nd4j.create(values.length == n ? values : Arrays.copyOf(values, n), shape, 'c');
        }
        Engine.direct(BatchWorkspace.class);
        INDArray a = Nd4j.createUninitialized(DataType.FLOAT, shape, 'c');
        a.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer().put(values, 0, (int) a.length());
        return a;
    }

    /** {@code batches.next()}, its arrays in the ring. */
    static DataSet next(DataSetIterator batches) {
        if (!Engine.active()) {
            return batches.next();
        }
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().getAndActivateWorkspace(RING, ID)) {
            return batches.next();
        }
    }
}
