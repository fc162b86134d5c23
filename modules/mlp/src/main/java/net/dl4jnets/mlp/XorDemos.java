package net.dl4jnets.mlp;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.ops.transforms.Transforms;

import net.dl4jnets.common.backend.Backend;
import net.dl4jnets.common.cli.Cli;
import net.dl4jnets.common.cli.DemoOptions;
import net.dl4jnets.common.cli.NetsCommand;
import net.dl4jnets.common.report.BoundaryChart;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Week 1: the XOR problem, on three computation graphs. XOR's classes cannot be split by one straight line, so
 * (a) a single neuron fails; (b) adding a hidden layer without a non-linearity fails too, because two linear maps in
 * a row are one linear map (shown here with the network's own weights); (c) a hidden layer with tanh bends the
 * boundary and solves it.
 */
@Command(name = "xor", mixinStandardHelpOptions = true,
        description = "XOR on a perceptron, a linear-hidden-layer MLP and a tanh MLP, with decision-boundary pictures.")
public final class XorDemos implements NetsCommand {
    static final double[][] POINTS = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
    static final double[] TARGETS = {0, 1, 1, 0};

    /** The three graphs. */
    public enum Model {
        PERCEPTRON("(a) single-layer perceptron"),
        LINEAR_HIDDEN("(b) MLP with a linear hidden layer"),
        TANH_HIDDEN("(c) MLP with a tanh hidden layer");

        public final String title;

        Model(String title) {
            this.title = title;
        }
    }

    @Mixin
    DemoOptions demo = new DemoOptions();

    @Option(names = "--steps", paramLabel = "N", defaultValue = "1500", description = "Full-batch Adam steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--hidden", paramLabel = "N", defaultValue = "4", description = "Hidden units of (b) and (c) (default: ${DEFAULT-VALUE}).")
    int hidden;

    /** A trained graph's outputs on the four points and its accuracy. */
    public record Trained(Model model, double[] outputs, double accuracy, ComputationGraph graph) {
        public double maxError() {
            double m = 0;
            for (int i = 0; i < outputs.length; i++) {
                m = Math.max(m, Math.abs(outputs[i] - TARGETS[i]));
            }
            return m;
        }
    }

    /** The runs, and for (b) the largest gap between the network and the single linear map its weights multiply to. */
    public record Result(Path folder, List<Trained> runs, double collapseGap) {
        public Trained get(Model m) {
            return runs.stream().filter(t -> t.model() == m).findFirst().orElseThrow();
        }
    }

    static ComputationGraphConfiguration graph(Model m, int hidden, long seed) {
        var g = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.DOUBLE)
                .updater(new Adam(0.05))
                .weightInit(WeightInit.XAVIER)
                .graphBuilder()
                .addInputs("xy");
        String last = "xy";
        int in = 2;
        if (m != Model.PERCEPTRON) {
            Activation act = m == Model.LINEAR_HIDDEN ? Activation.IDENTITY : Activation.TANH;
            g.addLayer("hidden", new DenseLayer.Builder().nIn(2).nOut(hidden).activation(act).build(), "xy");
            last = "hidden";
            in = hidden;
        }
        return g.addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.XENT).nIn(in).nOut(1)
                        .activation(Activation.SIGMOID).build(), last)
                .setOutputs("out")
                .build();
    }

    static DataSet data() {
        double[][] y = new double[4][1];
        for (int i = 0; i < 4; i++) {
            y[i][0] = TARGETS[i];
        }
        return new DataSet(Nd4j.createFromArray(POINTS), Nd4j.createFromArray(y));
    }

    static Trained train(Model m, int hidden, int steps, long seed) {
        ComputationGraph g = new ComputationGraph(graph(m, hidden, seed));
        g.init();
        DataSet d = data();
        for (int s = 0; s < steps; s++) {
            g.fit(d);
        }
        double[] out = g.outputSingle(d.getFeatures()).toDoubleVector();
        int right = 0;
        for (int i = 0; i < 4; i++) {
            right += (out[i] >= 0.5 ? 1 : 0) == (int) TARGETS[i] ? 1 : 0;
        }
        return new Trained(m, out, right / 4.0, g);
    }

    public Result run() {
        Backend.start(0, Backend.Workload.DENSE);
        var folder = demo.folder("xor");
        List<Trained> runs = new ArrayList<>();
        double gap = Double.NaN;
        for (Model m : Model.values()) {
            Trained t = train(m, hidden, steps, demo.seed);
            runs.add(t);
            System.out.printf(Locale.ROOT, "%-38s outputs [%.3f %.3f %.3f %.3f] for targets [0 1 1 0]: accuracy %.0f%%%n",
                    m.title, t.outputs()[0], t.outputs()[1], t.outputs()[2], t.outputs()[3], 100 * t.accuracy());
            if (m == Model.LINEAR_HIDDEN) {
                gap = explainCollapse(t.graph());
            }
            Path png = folder.file("xor-" + m.name().toLowerCase(Locale.ROOT).replace('_', '-') + ".png");
            drawBoundary(png, t);
        }
        System.out.println("Pictures: " + folder.dir() + "/xor-*.png");
        return new Result(folder.dir(), runs, gap);
    }

    /**
     * (b) computes sigmoid((x W1 + b1) W2 + b2) = sigmoid(x (W1 W2) + (b1 W2 + b2)): one linear map, whatever the
     * hidden width. Prints that map from the trained weights and returns the largest difference between the network's
     * output and that single layer's, over the four points and a grid of others.
     */
    static double explainCollapse(ComputationGraph g) {
        INDArray w1 = g.getParam("hidden_W");
        INDArray b1 = g.getParam("hidden_b");
        INDArray w2 = g.getParam("out_W");
        INDArray b2 = g.getParam("out_b");
        INDArray w = w1.mmul(w2);
        INDArray b = b1.mmul(w2).add(b2);
        System.out.println("  Why (b) is still linear: (x·W1 + b1)·W2 + b2 = x·(W1·W2) + (b1·W2 + b2), and with its trained weights");
        System.out.printf(Locale.ROOT, "    W1·W2 = [%.4f, %.4f]ᵀ,  b1·W2 + b2 = %.4f: one neuron with these weights computes the same thing.%n",
                w.getDouble(0, 0), w.getDouble(1, 0), b.getDouble(0, 0));
        double[][] probe = new double[121][2];
        for (int i = 0; i < 121; i++) {
            probe[i][0] = -0.5 + (i % 11) * 0.2;
            probe[i][1] = -0.5 + (i / 11) * 0.2;
        }
        INDArray x = Nd4j.createFromArray(probe);
        INDArray network = g.outputSingle(x);
        INDArray single = Transforms.sigmoid(x.mmul(w).addRowVector(b.reshape(1)), true);
        double gap = network.sub(single).amaxNumber().doubleValue();
        System.out.printf(Locale.ROOT, "    Checked on 121 points: the network and that single neuron differ by at most %.1e.%n", gap);
        return gap;
    }

    static void drawBoundary(Path png, Trained t) {
        List<BoundaryChart.Point> points = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            points.add(new BoundaryChart.Point(POINTS[i][0], POINTS[i][1], (int) TARGETS[i], false));
        }
        BoundaryChart.draw(png, String.format(Locale.ROOT, "%s: accuracy %.0f%%", t.model().title, 100 * t.accuracy()),
                -0.5, 1.5, (xs, ys) -> {
                    double[][] grid = new double[xs.length][];
                    for (int i = 0; i < xs.length; i++) {
                        grid[i] = new double[] {xs[i], ys[i]};
                    }
                    return t.graph().outputSingle(Nd4j.createFromArray(grid)).toDoubleVector();
                }, points);
    }

    @Override
    public Integer call() {
        run();
        return 0;
    }

    public static void main(String[] args) {
        Cli.main(new XorDemos(), args);
    }
}
