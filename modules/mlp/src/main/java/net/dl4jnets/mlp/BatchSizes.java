package net.dl4jnets.mlp;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.knowm.xchart.XYChart;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import net.dl4jnets.common.backend.Backend;
import net.dl4jnets.common.cli.Cli;
import net.dl4jnets.common.cli.DemoOptions;
import net.dl4jnets.common.cli.NetsCommand;
import net.dl4jnets.common.report.Charts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Week 1: batch, mini-batch and stochastic gradient descent. The same one-neuron model, data and learning rate,
 * trained for the same epochs with a batch of all examples, of 32, and of 1. Per epoch, smaller batches make more
 * updates and get further; per update, the full batch's exact gradient is the best step; per second, mini-batches
 * win, because each update costs a fixed overhead that batch size 1 pays a thousand times an epoch.
 */
@Command(name = "batch-sizes", mixinStandardHelpOptions = true,
        description = "Batch vs mini-batch vs stochastic gradient descent: loss per epoch, per update and per second.")
public final class BatchSizes implements NetsCommand {
    @Mixin
    DemoOptions demo = new DemoOptions();

    @Option(names = "--examples", paramLabel = "N", defaultValue = "1024", description = "Training examples (default: ${DEFAULT-VALUE}).")
    int examples;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "20", description = "Epochs for each batch size (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--lr", paramLabel = "RATE", defaultValue = "0.05", description = "Learning rate for all three (default: ${DEFAULT-VALUE}).")
    double lr;

    /** Loss on all the data after each epoch (index 0: before training), with updates and seconds so far. */
    public record Curve(String name, int batchSize, double[] loss, double[] updates, double[] seconds) {
        public double finalLoss() {
            return loss[loss.length - 1];
        }
    }

    public record Result(Path folder, List<Curve> curves) {}

    /** y = 3x − 2 plus noise of standard deviation 0.3, x uniform in [−1, 1]: the best possible loss is 0.09. */
    static DataSet data(int n, long seed) {
        Random rng = new Random(seed);
        double[][] x = new double[n][1];
        double[][] y = new double[n][1];
        for (int i = 0; i < n; i++) {
            x[i][0] = 2 * rng.nextDouble() - 1;
            y[i][0] = 3 * x[i][0] - 2 + 0.3 * rng.nextGaussian();
        }
        return new DataSet(Nd4j.createFromArray(x), Nd4j.createFromArray(y));
    }

    static Curve train(String name, DataSet data, int batchSize, int epochs, double lr, long seed) {
        ComputationGraph g = new ComputationGraph(LinearFit.graph(lr));
        g.init();
        double[] loss = new double[epochs + 1];
        double[] updates = new double[epochs + 1];
        double[] seconds = new double[epochs + 1];
        loss[0] = g.score(data);
        long nanos = 0;
        long steps = 0;
        for (int e = 1; e <= epochs; e++) {
            DataSet shuffled = data.copy();
            shuffled.shuffle(seed + e);
            List<DataSet> batches = shuffled.batchBy(batchSize);
            long t0 = System.nanoTime();
            for (DataSet b : batches) {
                g.fit(b);
            }
            nanos += System.nanoTime() - t0;
            steps += batches.size();
            loss[e] = g.score(data);
            updates[e] = steps;
            seconds[e] = nanos / 1e9;
        }
        return new Curve(name, batchSize, loss, updates, seconds);
    }

    public Result run() {
        Backend.start(0, Backend.Workload.DENSE);
        var folder = demo.folder("batch-sizes");
        DataSet data = data(examples, demo.seed);
        // Warm up the JIT and ND4J so the first curve's seconds are not charged for start-up.
        train("warm-up", data, 32, 2, lr, demo.seed);
        List<Curve> curves = List.of(
                train("batch (all " + examples + ")", data, examples, epochs, lr, demo.seed),
                train("mini-batch (32)", data, 32, epochs, lr, demo.seed),
                train("stochastic (1)", data, 1, epochs, lr, demo.seed));
        System.out.printf(Locale.ROOT, "%-22s %10s %14s %12s %14s%n", "", "updates", "loss after 1", "final loss",
                "train seconds");
        for (Curve c : curves) {
            System.out.printf(Locale.ROOT, "%-22s %10.0f %14.4f %12.4f %14.3f%n", c.name(), c.updates()[epochs],
                    c.loss()[1], c.finalLoss(), c.seconds()[epochs]);
        }
        System.out.println("(the noise in the data puts the best possible loss at 0.09)");
        List<XYChart> panels = new ArrayList<>();
        panels.add(panel("Loss per epoch", "epoch", curves, c -> epochAxis(c.loss().length), false));
        panels.add(panel("Loss per parameter update", "updates (log scale)", curves, Curve::updates, true));
        panels.add(panel("Loss per second of training", "seconds (log scale)", curves, Curve::seconds, true));
        Charts.panels(folder.file("batch-sizes.png"), panels);
        System.out.println("Picture: " + folder.file("batch-sizes.png"));
        return new Result(folder.dir(), curves);
    }

    private static double[] epochAxis(int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
        }
        return x;
    }

    private static XYChart panel(String title, String xTitle, List<Curve> curves,
                                 Function<Curve, double[]> x, boolean logX) {
        List<Charts.Series> series = new ArrayList<>();
        for (Curve c : curves) {
            double[] xs = x.apply(c);
            double[] ys = c.loss();
            if (logX) { // a log axis cannot show the starting point, at 0 updates and 0 seconds
                xs = Arrays.copyOfRange(xs, 1, xs.length);
                ys = Arrays.copyOfRange(ys, 1, ys.length);
            }
            series.add(new Charts.Series(c.name(), xs, ys));
        }
        XYChart chart = Charts.lineChart(title, xTitle, "mean squared error (log scale)", series, true, 620, 460);
        chart.getStyler().setXAxisLogarithmic(logX);
        return chart;
    }

    @Override
    public Integer call() {
        run();
        return 0;
    }

    public static void main(String[] args) {
        Cli.main(new BatchSizes(), args);
    }
}
