package net.dl4jnets.layers;

import java.lang.ref.Reference;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.BroadcastOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastSubOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code x.addiRowVector(row)}, {@code x.muliRowVector(row)}, {@code x.subiColumnVector(column)} and
 * {@code x.muliColumnVector(column)} as ND4J computes them (its own broadcast operations, on any backend), with the
 * operation kept reachable until it has run. In ND4J 1.0.0-M2.1 {@code addiRowVector} builds the operation, and
 * with it an array of the dimension to broadcast along, as temporaries that nothing holds while the native call runs:
 * a garbage collection at that moment lets ND4J's deallocator free the dimension array's buffer under the native
 * code, and the JVM dies in {@code sd::DataBuffer::primary()}. With a collection forced
 * every millisecond the MLP's training died so after 2,100 steps, and ran 4,400 without it (BENCHMARKS.md, "DL4J and
 * ND4J 1.0.0-M2.1 bugs met"; GcRaceTest reproduces the crash on stock DL4J). Plain DL4J layers still call ND4J's
 * own; this is for the suite's layers and kernels.
 */
public final class Broadcasts {
    private Broadcasts() {}

    /** x += row, for every row of the matrix x; returns x. */
    public static INDArray addiRow(INDArray x, INDArray row) {
        return run(new BroadcastAddOp(x, row, x, 1), row);
    }

    /** x *= row, element by element in every row of the matrix x; returns x. */
    public static INDArray muliRow(INDArray x, INDArray row) {
        return run(new BroadcastMulOp(x, row, x, 1), row);
    }

    /** x -= column, for every column of the matrix x ({@code column} is n×1); returns x. */
    public static INDArray subiColumn(INDArray x, INDArray column) {
        return run(new BroadcastSubOp(x, column, x, 0), column);
    }

    /** x *= column, element by element in every column of the matrix x; returns x. */
    public static INDArray muliColumn(INDArray x, INDArray column) {
        return run(new BroadcastMulOp(x, column, x, 0), column);
    }

    private static INDArray run(BroadcastOp op, INDArray y) {
        try {
            Nd4j.getExecutioner().exec(op);
            return op.z();
        } finally {
            Reference.reachabilityFence(op);
            Reference.reachabilityFence(y);
        }
    }
}
