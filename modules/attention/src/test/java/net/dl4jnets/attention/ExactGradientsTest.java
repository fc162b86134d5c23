package net.dl4jnets.attention;

import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class ExactGradientsTest {
    /** Replicas (--workers) build their gradient graphs at once; the console must come back however they overlap. */
    @Test
    void overlappingMutesRestoreTheConsole() throws Exception {
        PrintStream console = System.out;
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 20; round++) {
                CountDownLatch inside = new CountDownLatch(4);
                List<Future<Integer>> done = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int delay = t * round % 3;
                    done.add(pool.submit(() -> ExactGradients.quietly(() -> {
                        inside.countDown();
                        try {
                            inside.await();
                            Thread.sleep(delay);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return 0;
                    })));
                }
                for (Future<Integer> f : done) {
                    f.get();
                }
                assertSame(console, System.out, "round " + round);
            }
        } finally {
            pool.shutdownNow();
            System.setOut(console);
        }
    }
}
