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
            ComputationGraph graph = new ComputationGraph(TinyClassifier.graph(0.01));
            graph.init();
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
        }
    }
}
