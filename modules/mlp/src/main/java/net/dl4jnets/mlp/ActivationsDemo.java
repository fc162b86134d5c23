package net.dl4jnets.mlp;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.knowm.xchart.XYChart;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import net.dl4jnets.common.backend.Backend;
import net.dl4jnets.common.cli.Cli;
import net.dl4jnets.common.cli.DemoOptions;
import net.dl4jnets.common.cli.NetsCommand;
import net.dl4jnets.common.report.Charts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Week 1: the activation functions a neuron can apply, and their slopes. The slope is what backpropagation
 * multiplies by, so it decides whether a signal can learn: sigmoid's is at most 0.25 and vanishes for large inputs,
 * ReLU's is 1 for every positive input. Values and slopes come from DL4J's own activation classes (the slope from
 * their backprop), not from formulas written here.
 */
@Command(name = "activations", mixinStandardHelpOptions = true,
        description = "Plot activation functions and their derivatives (from DL4J's backprop); softmax on a vector.")
public final class ActivationsDemo implements NetsCommand {
    static final Activation[] SHOWN = {Activation.SIGMOID, Activation.TANH, Activation.RELU, Activation.LEAKYRELU,
            Activation.ELU, Activation.IDENTITY};
    static final double[] TABLE_POINTS = {-2, -1, 0, 1, 2};

    @Mixin
    DemoOptions demo = new DemoOptions();

    /** Each function's value and slope at {@link #TABLE_POINTS}, and softmax of a vector. */
    public record Result(Path folder, Map<Activation, double[][]> table, double[] softmaxInput, double[] softmax) {}

    /** The value f(x) and the slope f'(x) at each x, from DL4J's implementation (the slope via its backprop). */
    static double[][] valueAndSlope(Activation a, double[] x) {
        IActivation fn = a.getActivationFunction();
        INDArray in = Nd4j.createFromArray(x).castTo(DataType.DOUBLE);
        double[] value = fn.getActivation(in.dup(), false).toDoubleVector();
        double[] slope = fn.backprop(in.dup(), Nd4j.onesLike(in)).getFirst().toDoubleVector();
        return new double[][] {value, slope};
    }

    public Result run() {
        Backend.start(0, Backend.Workload.DENSE);
        var folder = demo.folder("activations");
        double[] x = new double[201];
        for (int i = 0; i < x.length; i++) {
            x[i] = -5 + i * 0.05;
        }
        List<XYChart> charts = new ArrayList<>();
        Map<Activation, double[][]> table = new LinkedHashMap<>();
        System.out.printf(Locale.ROOT, "%-10s %-6s%s%n", "function", "", formatRow(TABLE_POINTS, "x = %6.1f"));
        for (Activation a : SHOWN) {
            double[][] curve = valueAndSlope(a, x);
            XYChart chart = Charts.lineChart(name(a), "x", "f(x), f'(x)", List.of(
                    new Charts.Series("f(x)", x, curve[0]), new Charts.Series("f'(x) (DL4J backprop)", x, curve[1])),
                    false, 600, 400);
            chart.getStyler().setYAxisDecimalPattern("0.##");
            chart.getStyler().setXAxisDecimalPattern("0.#");
            charts.add(chart);
            double[][] at = valueAndSlope(a, TABLE_POINTS);
            table.put(a, at);
            System.out.printf(Locale.ROOT, "%-10s %-6s%s%n", name(a), "f", formatRow(at[0], "%10.4f"));
            System.out.printf(Locale.ROOT, "%-10s %-6s%s%n", "", "f'", formatRow(at[1], "%10.4f"));
        }
        Charts.panels(folder.file("activations.png"), charts, 3);

        double[] logits = {2.0, 1.0, 0.1, -1.0};
        double[] soft = Activation.SOFTMAX.getActivationFunction()
                .getActivation(Nd4j.createFromArray(new double[][] {logits}), false).toDoubleVector();
        System.out.println();
        System.out.println("softmax turns a vector of scores into probabilities that sum to 1:");
        System.out.println("  scores        " + formatRow(logits, "%8.3f"));
        System.out.println("  probabilities " + formatRow(soft, "%8.3f") + String.format(Locale.ROOT, "   (sum %.3f)",
                Arrays.stream(soft).sum()));
        System.out.println();
        System.out.println("Picture: " + folder.file("activations.png"));
        return new Result(folder.dir(), table, logits, soft);
    }

    static String name(Activation a) {
        return switch (a) {
            case LEAKYRELU -> "leaky ReLU";
            case IDENTITY -> "linear";
            case RELU -> "ReLU";
            case ELU -> "ELU";
            default -> a.name().toLowerCase(Locale.ROOT);
        };
    }

    private static String formatRow(double[] v, String fmt) {
        StringBuilder sb = new StringBuilder();
        for (double d : v) {
            sb.append(' ').append(String.format(Locale.ROOT, fmt, d));
        }
        return sb.toString();
    }

    @Override
    public Integer call() {
        run();
        return 0;
    }

    public static void main(String[] args) {
        Cli.main(new ActivationsDemo(), args);
    }
}
