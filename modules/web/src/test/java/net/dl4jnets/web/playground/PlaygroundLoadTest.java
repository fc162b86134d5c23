package net.dl4jnets.web.playground;

import net.dl4jnets.web.WebServer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Eight tabs training at once on 127.0.0.1, each asking for its state 20 times a second as the page does: the server
 * answers every request. Prints the latency percentiles (BENCHMARKS.md, "Playground"); no timing is asserted.
 * {@code -Dplayground.seconds=60} for the benchmark's minute, {@code -Dplayground.url=...} for a running ./nets web,
 * {@code -Dplayground.tabs=16} for the server's cap (the memory soak, BENCHMARKS.md).
 */
class PlaygroundLoadTest {
    @Test
    void eightTrainingSessionsGetEveryStateRequestAnswered(@TempDir Path runs) throws Exception {
        int sessions = Integer.getInteger("playground.tabs", 8);
        int seconds = Integer.getInteger("playground.seconds", 8);
        String url = System.getProperty("playground.url");
        try (WebServer server = url == null
                ? WebServer.start(new WebServer.Options("127.0.0.1", 0, sessions, 600, 2, runs)) : null) {
            Http http = url == null ? new Http(server) : new Http(url);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < sessions; i++) {
                String id = http.session(null);
                assertEquals(200, http.post("/api/sessions/" + id + "/play", "").status());
                ids.add(id);
            }
            ConcurrentLinkedQueue<Long> micros = new ConcurrentLinkedQueue<>();
            AtomicInteger failed = new AtomicInteger();
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            ExecutorService pages = Executors.newFixedThreadPool(sessions);
            List<Future<?>> done = new ArrayList<>();
            for (String id : ids) {
                done.add(pages.submit(() -> {
                    Http own = url == null ? new Http(server) : new Http(url);
                    while (System.nanoTime() < end) {
                        long t = System.nanoTime();
                        Http.Reply r = own.get("/api/sessions/" + id + "/state");
                        micros.add((System.nanoTime() - t) / 1000);
                        if (r.status() != 200 || !r.body().contains("\"epoch\"")) {
                            failed.incrementAndGet();
                        }
                        try {
                            Thread.sleep(Math.max(0, 50 - (System.nanoTime() - t) / 1_000_000));
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            pages.shutdown();
            int epochs = 0;
            for (String id : ids) {
                epochs += http.state(id).get("epoch").getAsInt();
                http.send("DELETE", "/api/sessions/" + id, null);
            }
            List<Long> sorted = new ArrayList<>(micros);
            Collections.sort(sorted);
            System.out.printf(Locale.ROOT, "playground load: %d sessions for %d s, %d state requests, p50 %.1f ms, "
                            + "p95 %.1f ms, max %.1f ms; %.1f epochs/s per session%n", sessions, seconds, sorted.size(),
                    sorted.get(sorted.size() / 2) / 1000.0, sorted.get((int) (sorted.size() * 0.95)) / 1000.0,
                    sorted.get(sorted.size() - 1) / 1000.0, epochs / (double) sessions / seconds);
            assertEquals(0, failed.get(), "every state request answered");
            assertTrue(sorted.size() > sessions * seconds, "requests were made: " + sorted.size());
            assertTrue(epochs > sessions, "every session trained: " + epochs + " epochs in all");
        }
    }
}
