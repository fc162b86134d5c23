package net.dl4jnets.mlp;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import net.dl4jnets.common.backend.Backend;
import net.dl4jnets.common.cli.Cli;
import net.dl4jnets.common.cli.DemoOptions;
import net.dl4jnets.common.cli.NetsCommand;
import net.dl4jnets.common.report.Charts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Week 1: the learning rate. The same one-neuron fit as {@link LinearFit} at three step sizes. Too small crawls,
 * a good one converges, too large overshoots the valley further each step and the loss explodes. Each verdict is
 * measured from its run's losses, not assumed.
 */
@Command(name = "learning-rates", mixinStandardHelpOptions = true,
        description = "The same fit at a too small, a good and a too large learning rate; verdicts measured.")
public final class LearningRates implements NetsCommand {
    /** What a run's losses show. */
    public enum Verdict {
        TOO_SMALL("still far from the minimum"), CONVERGED("converged"), DIVERGED("loss grew: overshooting");

        final String text;

        Verdict(String text) {
            this.text = text;
        }
    }

    @Mixin
    DemoOptions demo = new DemoOptions();

    @Option(names = "--rates", split = ",", paramLabel = "R,R,R", defaultValue = "0.001,0.03,0.06",
            description = "Learning rates to compare (default: ${DEFAULT-VALUE}).")
    List<Double> rates;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "1000", description = "Steps per run (default: ${DEFAULT-VALUE}).")
    int steps;

    public record Run(LinearFit.Fit fit, Verdict verdict) {}

    public record Result(Path folder, List<Run> runs) {}

    /**
     * Diverged if the loss ever rose above where it started; converged if it fell below 1e-4 of where it started;
     * otherwise too small (it fell, but not far enough in the steps given).
     */
    static Verdict classify(double[] losses) {
        double first = losses[0];
        double last = losses[losses.length - 1];
        for (double l : losses) {
            if (!Double.isFinite(l) || l > first) {
                return Verdict.DIVERGED;
            }
        }
        return last < 1e-4 * first ? Verdict.CONVERGED : Verdict.TOO_SMALL;
    }

    public Result run() {
        Backend.start(0, Backend.Workload.DENSE);
        var folder = demo.folder("learning-rates");
        List<Run> runs = new ArrayList<>();
        List<Charts.Series> curves = new ArrayList<>();
        System.out.printf(Locale.ROOT, "%-10s %14s %14s %10s %10s   %s%n", "rate", "first loss", "last loss", "w", "b", "verdict");
        for (double lr : rates) {
            LinearFit.Fit f = LinearFit.fit(lr, steps, 0);
            Run r = new Run(f, classify(f.losses()));
            runs.add(r);
            System.out.printf(Locale.ROOT, "%-10s %14.4g %14.4g %10.4f %10.4f   %s (%d steps)%n", lr, f.losses()[0],
                    f.finalLoss(), f.w(), f.b(), r.verdict().text, f.losses().length - 1);
            double[] step = new double[f.losses().length];
            for (int i = 0; i < step.length; i++) {
                step[i] = i;
            }
            double[] positive = Arrays.stream(f.losses()).map(l -> Math.max(l, 1e-16)).toArray(); // log axis
            curves.add(new Charts.Series(String.format(Locale.ROOT, "lr %s: %s", lr, r.verdict().text), step, positive));
        }
        Charts.lines(folder.file("learning-rates.png"), "Loss per step of y = wx + b at three learning rates",
                "gradient step", "mean squared error (log scale)", curves, true);
        System.out.println("Picture: " + folder.file("learning-rates.png"));
        return new Result(folder.dir(), runs);
    }

    @Override
    public Integer call() {
        run();
        return 0;
    }

    public static void main(String[] args) {
        Cli.main(new LearningRates(), args);
    }
}
