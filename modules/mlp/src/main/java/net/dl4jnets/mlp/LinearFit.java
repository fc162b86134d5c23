package net.dl4jnets.mlp;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import net.dl4jnets.common.backend.Backend;
import net.dl4jnets.common.cli.Cli;
import net.dl4jnets.common.cli.DemoOptions;
import net.dl4jnets.common.cli.NetsCommand;
import net.dl4jnets.common.io.UserError;
import net.dl4jnets.common.report.Charts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Week 1: one neuron, y = wx + b, fitted by plain gradient descent to five points that lie on y = x + 1. The whole
 * of training in miniature: a prediction, a loss (mean squared error), its gradient, a step downhill, repeated.
 */
@Command(name = "linear-fit", mixinStandardHelpOptions = true,
        description = "Fit y = wx + b to five points with a one-neuron graph and plain SGD.")
public final class LinearFit implements NetsCommand {
    static final double[] X = {2, 3, 4, 5, 6};
    static final double[] Y = {3, 4, 5, 6, 7};

    @Mixin
    DemoOptions demo = new DemoOptions();

    @Option(names = "--lr", paramLabel = "RATE", defaultValue = "0.03", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "2000", description = "Gradient steps on all five points (default: ${DEFAULT-VALUE}).")
    int steps;

    /** A fit: the loss before each step (and after the last), and the final parameters. */
    public record Fit(double learningRate, double[] losses, double w, double b) {
        public double finalLoss() {
            return losses[losses.length - 1];
        }
    }

    public record Result(Path folder, Fit fit) {}

    /** The one neuron: identity activation, squared error, plain SGD, starting from w = b = 0. */
    static ComputationGraphConfiguration graph(double lr) {
        return new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE)
                .updater(new Sgd(lr))
                .weightInit(WeightInit.ZERO) // the same start for every run, so runs differ only by what is studied
                .graphBuilder()
                .addInputs("x")
                .addLayer("neuron", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(1).nOut(1)
                        .activation(Activation.IDENTITY).build(), "x")
                .setOutputs("neuron")
                .build();
    }

    static DataSet points() {
        return new DataSet(Nd4j.createFromArray(X).reshape(5, 1), Nd4j.createFromArray(Y).reshape(5, 1));
    }

    /** Full-batch gradient descent for the given steps; stops early if the loss overflows. */
    static Fit fit(double lr, int steps, int printEvery) {
        ComputationGraph g = new ComputationGraph(graph(lr));
        g.init();
        DataSet data = points();
        double[] losses = new double[steps + 1];
        int done = 0;
        for (int s = 0; s < steps; s++) {
            losses[s] = g.score(data);
            if (!Double.isFinite(losses[s]) || losses[s] > 1e12) {
                return new Fit(lr, Arrays.copyOf(losses, s + 1), Double.NaN, Double.NaN);
            }
            if (printEvery > 0 && s % printEvery == 0) {
                System.out.printf(Locale.ROOT, "step %5d   w %8.4f   b %8.4f   loss %.6f%n", s,
                        g.getParam("neuron_W").getDouble(0), g.getParam("neuron_b").getDouble(0), losses[s]);
            }
            g.fit(data);
            done = s + 1;
        }
        losses[done] = g.score(data);
        return new Fit(lr, losses, g.getParam("neuron_W").getDouble(0), g.getParam("neuron_b").getDouble(0));
    }

    public Result run() {
        if (!(lr > 0) || steps < 1) {
            throw new UserError("--lr must be positive and --steps at least 1.");
        }
        Backend.start(0, Backend.Workload.DENSE);
        var folder = demo.folder("linear-fit");
        System.out.println("Fitting y = wx + b to " + pointsText() + " with plain SGD, learning rate " + lr);
        Fit f = fit(lr, steps, Math.max(1, steps / 10));
        System.out.printf(Locale.ROOT, "done: w = %.4f, b = %.4f (the points lie on w = 1, b = 1), loss %.2e%n",
                f.w(), f.b(), f.finalLoss());
        // b converges slowly: x is far from 0, so changing b barely changes the loss compared with changing w
        // (an elongated valley). Centring x would fix it; the learning-rate demo shows what a step size does.
        double[] lineX = {0, 8};
        double[] lineY = {f.b(), f.w() * 8 + f.b()};
        Charts.lines(folder.file("fit.png"), String.format(Locale.ROOT, "y = %.3f x + %.3f after %d steps", f.w(), f.b(),
                        steps), "x", "y", List.of(new Charts.Series("the five points", X, Y),
                        new Charts.Series("fitted line", lineX, lineY)), false);
        System.out.println("Picture: " + folder.file("fit.png"));
        return new Result(folder.dir(), f);
    }

    static String pointsText() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < X.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "(%.0f,%.0f)", X[i], Y[i]));
        }
        return sb.toString();
    }

    @Override
    public Integer call() {
        run();
        return 0;
    }

    public static void main(String[] args) {
        Cli.main(new LinearFit(), args);
    }
}
