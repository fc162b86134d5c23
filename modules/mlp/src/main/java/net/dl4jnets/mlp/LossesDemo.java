package net.dl4jnets.mlp;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMAE;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

import net.dl4jnets.common.backend.Backend;
import net.dl4jnets.common.cli.Cli;
import net.dl4jnets.common.cli.DemoOptions;
import net.dl4jnets.common.cli.NetsCommand;
import net.dl4jnets.common.report.Charts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Week 1: what a loss function charges for a mistake. Mean squared error and mean absolute error grow at most
 * linearly as a prediction goes wrong; cross-entropy grows without bound as the probability given to the truth goes
 * to 0, so a confident wrong answer costs far more, and its gradient stays large exactly when the network is most
 * wrong. All values come from DL4J's loss classes.
 */
@Command(name = "losses", mixinStandardHelpOptions = true,
        description = "Compare MSE, MAE and cross-entropy on worked examples (DL4J's loss functions).")
public final class LossesDemo implements NetsCommand {
    static final ILossFunction MSE = new LossMSE();
    static final ILossFunction MAE = new LossMAE();
    static final ILossFunction CROSS_ENTROPY = new LossMCXENT();

    @Mixin
    DemoOptions demo = new DemoOptions();

    /** A prediction over three classes when the true class is the first. */
    public record Example(String name, double[] predicted, double mse, double mae, double crossEntropy) {}

    public record Result(Path folder, List<Example> examples) {
        public Example get(String name) {
            return examples.stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow();
        }
    }

    static final double[] TRUTH = {1, 0, 0};

    /** One example's loss under a DL4J loss function, the predicted probabilities fed as they are (identity). */
    static double loss(ILossFunction fn, double[] truth, double[] predicted) {
        INDArray labels = Nd4j.createFromArray(new double[][] {truth}).castTo(DataType.DOUBLE);
        INDArray out = Nd4j.createFromArray(new double[][] {predicted}).castTo(DataType.DOUBLE);
        return fn.computeScore(labels, out, new ActivationIdentity(), null, true);
    }

    public Result run() {
        Backend.start(0, Backend.Workload.DENSE);
        var folder = demo.folder("losses");
        double[][] cases = {{0.90, 0.05, 0.05}, {0.60, 0.30, 0.10}, {0.34, 0.33, 0.33}, {0.10, 0.80, 0.10},
                {0.01, 0.98, 0.01}};
        String[] names = {"confident and right", "leaning right", "undecided", "confident and wrong",
                "very confident and wrong"};
        List<Example> examples = new ArrayList<>();
        System.out.println("True class: the first of three. Each row is the network's predicted probabilities.");
        System.out.printf(Locale.ROOT, "%-26s %-20s %8s %8s %14s%n", "case", "predicted", "MSE", "MAE", "cross-entropy");
        for (int i = 0; i < cases.length; i++) {
            Example e = new Example(names[i], cases[i], loss(MSE, TRUTH, cases[i]), loss(MAE, TRUTH, cases[i]),
                    loss(CROSS_ENTROPY, TRUTH, cases[i]));
            examples.add(e);
            System.out.printf(Locale.ROOT, "%-26s [%.2f %.2f %.2f]   %8.4f %8.4f %14.4f%n", e.name(), cases[i][0],
                    cases[i][1], cases[i][2], e.mse(), e.mae(), e.crossEntropy());
        }
        Example wrong = examples.get(cases.length - 2);
        Example worst = examples.get(cases.length - 1);
        System.out.printf(Locale.ROOT, "%nFrom '%s' to '%s': MSE grows by %.0f%%, MAE by %.0f%%, cross-entropy by %.0f%%.%n",
                wrong.name(), worst.name(), 100 * (worst.mse() / wrong.mse() - 1), 100 * (worst.mae() / wrong.mae() - 1),
                100 * (worst.crossEntropy() / wrong.crossEntropy() - 1));
        double[] hopeless = {0.001, 0.998, 0.001};
        System.out.printf(Locale.ROOT, "MSE and MAE are bounded (here by %.3f and %.3f); cross-entropy is not: "
                        + "at p = 0.001 it is %.2f, and it keeps pushing hardest on the most confident mistakes.%n",
                loss(MSE, TRUTH, new double[] {0, 1, 0}), loss(MAE, TRUTH, new double[] {0, 1, 0}),
                loss(CROSS_ENTROPY, TRUTH, hopeless));

        // The same three losses as the probability given to the true class falls from 1 to 0.01
        // (the rest shared equally by the two wrong classes).
        int n = 100;
        double[] p = new double[n];
        double[][] curves = new double[3][n];
        for (int i = 0; i < n; i++) {
            p[i] = 1 - i * 0.99 / (n - 1);
            double[] pred = {p[i], (1 - p[i]) / 2, (1 - p[i]) / 2};
            curves[0][i] = loss(MSE, TRUTH, pred);
            curves[1][i] = loss(MAE, TRUTH, pred);
            curves[2][i] = loss(CROSS_ENTROPY, TRUTH, pred);
        }
        Charts.lines(folder.file("losses.png"), "Loss against the probability given to the true class",
                "predicted probability of the true class", "loss", List.of(new Charts.Series("MSE", p, curves[0]),
                        new Charts.Series("MAE", p, curves[1]), new Charts.Series("cross-entropy", p, curves[2])), false);
        System.out.println("Picture: " + folder.file("losses.png"));
        return new Result(folder.dir(), examples);
    }

    @Override
    public Integer call() {
        run();
        return 0;
    }

    public static void main(String[] args) {
        Cli.main(new LossesDemo(), args);
    }
}
