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
            TinyClassifier.trainer(TinyClassifier.settings(4))
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
            // the run registered (its static information) and its statistics arrived: DL4J's StatsListener reports
            // every 10th iteration, and four epochs of the tiny set are more than 20 iterations
            assertEquals(1, ui.storage().listSessionIDs().size(), ui.storage().listSessionIDs().toString());
            String session = ui.storage().listSessionIDs().get(0);
            assertTrue(graph.getIterationCount() >= 20, "iterations: " + graph.getIterationCount());
            assertTrue(ui.storage().getNumUpdateRecordsFor(session) >= 2,
                    "per-iteration statistics reached the dashboard: " + ui.storage().getNumUpdateRecordsFor(session));
        }
    }
}
