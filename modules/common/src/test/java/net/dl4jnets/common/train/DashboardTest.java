package net.dl4jnets.common.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DashboardTest {
    @Test
    void dashboardAnswersOnLoopbackWhileTraining(@TempDir Path dir) throws Exception {
        try (Dashboard ui = Dashboard.start(0)) {
            assertTrue(ui.port() > 0);
            ComputationGraph graph = TinyClassifier.fresh(0.01);
            TinyClassifier.trainer(TinyClassifier.settings(1).withLimits(3, 0))
                    .listen(new LoopListener() {
                        @Override
                        public void onStart(Loop loop) {
                            loop.graph().addListeners(ui.listener());
                        }
                    })
                    .fit(graph, TinyClassifier.data(), RunFolder.create(dir, "tiny"));
            HttpResponse<String> page = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(ui.url())).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().toLowerCase().contains("<html"), page.body());
            // the run registered with the dashboard (its static information); that per-iteration statistics reach it
            // is not asserted: with DL4J 1.0.0-M2.1's StatsListener on this loop none were recorded (an open question)
            assertEquals(1, ui.storage().listSessionIDs().size(), ui.storage().listSessionIDs().toString());
        }
    }
}
