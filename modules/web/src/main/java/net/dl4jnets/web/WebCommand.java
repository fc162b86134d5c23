package net.dl4jnets.web;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import net.dl4jnets.common.backend.Backend;
import net.dl4jnets.common.cli.Cli;
import net.dl4jnets.common.cli.CommonOptions;
import net.dl4jnets.common.cli.NetsCommand;
import net.dl4jnets.common.data.DataPaths;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The course in the browser ({@link WebServer}): week 1's playground, TensorFlow Playground's page on a real DL4J
 * network, trained per browser tab while the page draws its decision boundary, every neuron and the losses live;
 * and any Fashion-MNIST model under the runs folder tried on a drawing, an uploaded picture or a test image. See
 * {@code docs/playground.md} and {@code docs/web.md}.
 */
@Command(name = "web", mixinStandardHelpOptions = true,
        description = "The course in a browser: the playground (TensorFlow Playground's page on a real DL4J network) "
                + "and your trained models tried on drawings, pictures and test images.")
public final class WebCommand implements NetsCommand {
    @Option(names = "--out", paramLabel = "DIR",
            description = "The runs folder: the models to try, and where \"Save run\" writes DIR/playground/<timestamp>/ "
                    + "(default: runs/ in the project).")
    Path out;

    @Mixin
    CommonOptions common = new CommonOptions();

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}, this machine only; 0.0.0.0 opens it to the network).")
    String host;

    @Option(names = "--port", paramLabel = "N", defaultValue = "8080", description = "Port (default: ${DEFAULT-VALUE}; 0 for any free one).")
    int port;

    @Option(names = "--max-sessions", paramLabel = "N", defaultValue = "16",
            description = "Browser tabs training at once, at most (default: ${DEFAULT-VALUE}).")
    int maxSessions;

    @Option(names = "--idle-minutes", paramLabel = "N", defaultValue = "2",
            description = "A tab's network is freed after this long without a request; training pauses after 5 s "
                    + "(default: ${DEFAULT-VALUE}).")
    int idleMinutes;

    @Override
    public Integer call() throws InterruptedException {
        common.apply();
        common.validate();
        // JavaCPP checks the process's physical memory on every native allocation, and DL4J makes dozens per
        // mini-batch: for the playground's tiny networks that check was most of an epoch (BENCHMARKS.md, "Playground").
        if (System.getProperty("org.bytedeco.javacpp.maxPhysicalBytes") == null) {
            System.setProperty("org.bytedeco.javacpp.maxPhysicalBytes", "0");
        }
        // one thread per network: its matrices are a few dozen numbers, and the tabs share the cores instead
        Backend.start(common.threads > 0 ? common.threads : 1, Backend.Workload.DENSE);
        int cores = Runtime.getRuntime().availableProcessors();
        try (WebServer server = WebServer.start(new WebServer.Options(host, port, maxSessions,
                idleMinutes * 60L, cores, out != null ? out : DataPaths.home().resolve("runs")))) {
            System.out.println("The course: " + server.address() + "   playground: " + server.address()
                    + "playground/   try a trained model: " + server.address() + "try/   (Ctrl-C stops it)");
            CountDownLatch forever = new CountDownLatch(1);
            forever.await();
        }
        return 0;
    }

    public static void main(String[] args) {
        Cli.main(new WebCommand(), args);
    }
}
