package net.dl4jnets.common.train;

import org.deeplearning4j.core.storage.StatsStorage;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.ui.VertxUIServer;
import org.deeplearning4j.ui.model.stats.StatsListener;
import org.deeplearning4j.ui.model.storage.InMemoryStatsStorage;

import net.dl4jnets.common.io.UserError;

/**
 * DL4J's live training dashboard ({@code deeplearning4j-ui}): score, update/parameter ratios, activations and
 * memory per iteration, in the browser. Statistics stay in memory, so the dashboard lives as long as the program.
 */
public final class Dashboard implements AutoCloseable {
    private final VertxUIServer server;
    private final StatsStorage storage;

    private Dashboard(VertxUIServer server, StatsStorage storage) {
        this.server = server;
        this.storage = storage;
    }

    /** Starts the server on port (0 = any free port); a port already in use is a user error. */
    public static Dashboard start(int port) {
        VertxUIServer server;
        try {
            server = VertxUIServer.getInstance(port, false, null);
        } catch (RuntimeException e) {
            throw new UserError("The training dashboard could not start on port " + port
                    + " (is it in use?); pick another with --ui-port. Cause: " + rootMessage(e));
        }
        StatsStorage storage = new InMemoryStatsStorage();
        server.attach(storage);
        return new Dashboard(server, storage);
    }

    public String url() {
        return "http://localhost:" + server.getPort() + "/train";
    }

    public int port() {
        return server.getPort();
    }

    /** Where the statistics go, for the test that they arrive. */
    StatsStorage storage() {
        return storage;
    }

    /** A loop listener that starts the dashboard with the run, attaches it to the graph and stops it at the end. */
    static LoopListener duringTraining(int port) {
        return new LoopListener() {
            private Dashboard ui;

            @Override
            public void onStart(Loop loop) {
                ui = start(port);
                System.out.println("Training dashboard: " + ui.url());
                loop.graph().addListeners(ui.listener());
            }

            @Override
            public void onEnd(Loop loop) {
                if (ui != null) {
                    ui.close();
                }
            }
        };
    }

    /** The listener to attach to the graph being trained; DL4J's StatsListener reports every 10th iteration. */
    public TrainingListener listener() {
        return new StatsListener(storage);
    }

    @Override
    public void close() {
        try {
            VertxUIServer.stopInstance();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop the training dashboard", e);
        }
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
