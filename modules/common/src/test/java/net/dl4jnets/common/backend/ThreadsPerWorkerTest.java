package net.dl4jnets.common.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ThreadsPerWorkerTest {
    @Test
    void replicasShareTheCoresUnlessThreadsAreAsked() {
        // one replica: the workload's own best (convolutions take every core, dense layers one)
        assertEquals(2, Backend.threadsEach(0, Backend.Workload.CONV, 1, 2));
        assertEquals(1, Backend.threadsEach(0, Backend.Workload.DENSE, 1, 8));
        // two replicas on two cores: one thread each, never two replicas of two threads fighting over two cores
        assertEquals(1, Backend.threadsEach(0, Backend.Workload.CONV, 2, 2));
        assertEquals(4, Backend.threadsEach(0, Backend.Workload.CONV, 2, 8));
        // more replicas than cores still get a thread; an explicit --threads wins
        assertEquals(1, Backend.threadsEach(0, Backend.Workload.CONV, 4, 2));
        assertEquals(3, Backend.threadsEach(3, Backend.Workload.CONV, 2, 2));
    }
}
