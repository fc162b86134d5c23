package net.dl4jnets.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.CompletableFuture;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.nativeblas.NativeOps;
import org.nd4j.nativeblas.NativeOpsHolder;

/** Small batches' forward passes on the calling thread alone: the OpenMP team cut, given back, and only there. */
class InferenceTest {
    private NativeOps ops;
    private int team;
    private Engine.Choice asked;

    @BeforeEach
    void twoThreads() {
        Nd4j.getExecutioner(); // loads the backend, whose configuration NativeOpsHolder reads
        ops = NativeOpsHolder.getInstance().getDeviceNativeOps();
        team = ops.ompGetMaxThreads();
        asked = Engine.asked();
        ops.setOmpNumThreads(2);
        Engine.choose(Engine.Choice.FAST);
    }

    @AfterEach
    void restore() {
        ops.setOmpNumThreads(team);
        Engine.choose(asked);
    }

    @Test
    void aSmallBatchRunsOnTheCallingThreadAloneAndTheTeamComesBack() throws Exception {
        assertEquals(1, (int) Engine.inference(1, ops::ompGetMaxThreads));
        assertEquals(1, (int) Engine.inference(Engine.ONE_THREAD_BATCH, ops::ompGetMaxThreads));
        assertEquals(2, (int) Engine.inference(Engine.ONE_THREAD_BATCH + 1, ops::ompGetMaxThreads));
        assertEquals(2, ops.ompGetMaxThreads());

        // the team is this thread's own: another thread's pass, meanwhile, keeps its cores
        int otherAlone = CompletableFuture.supplyAsync(ops::ompGetMaxThreads).join();
        int otherMeanwhile = Engine.inference(1, () -> CompletableFuture.supplyAsync(ops::ompGetMaxThreads).join());
        assertEquals(otherAlone, otherMeanwhile);

        assertThrows(IllegalStateException.class, () -> Engine.inference(1, () -> {
            throw new IllegalStateException("a failing pass");
        }));
        assertEquals(2, ops.ompGetMaxThreads(), "given back after a failure too");

        Engine.choose(Engine.Choice.STOCK);
        assertEquals(2, (int) Engine.inference(1, ops::ompGetMaxThreads), "stock DL4J runs as any application does");
    }

    @Test
    void theOutputIsTheGraphsOwn() {
        ComputationGraph g = Engine.network(DirectStepTest.graph(5, new int[] {7}, Activation.RELU, true,
                new Adam(1e-3), 0));
        g.init();
        INDArray x = Nd4j.rand(DataType.FLOAT, 3, 5);
        assertEquals(g.outputSingle(false, x), Engine.output(g, x));
        assertEquals(2, ops.ompGetMaxThreads());
    }
}
