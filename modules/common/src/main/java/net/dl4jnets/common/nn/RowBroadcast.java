package net.dl4jnets.common.nn;

import java.lang.ref.Reference;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.BroadcastOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code x.addiRowVector(row)} and {@code x.muliRowVector(row)} as ND4J computes them (its own broadcast operation,
 * on any backend), with the operation kept reachable until it has run. In ND4J 1.0.0-M2.1 {@code addiRowVector}
 * builds the operation, and with it an array of the dimension to broadcast along, as temporaries that nothing holds
 * while the native call runs: a garbage collection at that moment lets ND4J's deallocator free the dimension array's
 * buffer under the native code, and the JVM dies in {@code sd::DataBuffer::primary()}. With a collection forced
 * every millisecond the MLP's training died so after 2,100 steps, and ran 4,400 without it (BENCHMARKS.md, "DL4J and
 * ND4J 1.0.0-M2.1 bugs met"; GcRaceTest reproduces the crash on stock DL4J). Plain DL4J layers still call ND4J's
 * own; this is for the suite's layers and kernels.
 */
public final class RowBroadcast {
    private RowBroadcast() {}

    /** x += row, for every row of the matrix x; returns x. */
    public static INDArray addi(INDArray x, INDArray row) {
        return run(new BroadcastAddOp(x, row, x, 1), row);
    }

    /** x *= row, element by element in every row of the matrix x; returns x. */
    public static INDArray muli(INDArray x, INDArray row) {
        return run(new BroadcastMulOp(x, row, x, 1), row);
    }

    private static INDArray run(BroadcastOp op, INDArray row) {
        try {
            Nd4j.getExecutioner().exec(op);
            return op.z();
        } finally {
            Reference.reachabilityFence(op);
            Reference.reachabilityFence(row);
        }
    }
}
