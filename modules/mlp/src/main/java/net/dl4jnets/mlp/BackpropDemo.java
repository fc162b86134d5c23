package net.dl4jnets.mlp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import net.dl4jnets.common.backend.Backend;
import net.dl4jnets.common.cli.Cli;
import net.dl4jnets.common.cli.DemoOptions;
import net.dl4jnets.common.cli.NetsCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Week 1: backpropagation is credit assignment. For every weight of a 2-2-1 network it answers "if this weight
 * changed a little, how much would the loss change?", for all weights in one backward pass. Here each answer is
 * checked against the slow way, nudging that one weight and measuring the loss (a finite difference); then one
 * gradient step lowers the loss by about what the gradients predicted.
 */
@Command(name = "backprop", mixinStandardHelpOptions = true,
        description = "DL4J's backprop gradients of a 2-2-1 network beside finite differences, then one step.")
public final class BackpropDemo implements NetsCommand {
    static final double EPSILON = 1e-6;

    @Mixin
    DemoOptions demo = new DemoOptions();

    @Option(names = "--lr", paramLabel = "RATE", defaultValue = "0.1", description = "Step size of the one update (default: ${DEFAULT-VALUE}).")
    double lr;

    /** One weight's gradient both ways. */
    public record Check(String weight, double backprop, double finiteDifference) {
        public double difference() {
            return Math.abs(backprop - finiteDifference);
        }
    }

    public record Result(List<Check> checks, double lossBefore, double lossAfter, double predictedChange) {
        public double maxDifference() {
            return checks.stream().mapToDouble(Check::difference).max().orElse(0);
        }
    }

    static ComputationGraphConfiguration graph(long seed, double lr) {
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.DOUBLE) // finite differences need double precision
                .updater(new Sgd(lr))
                .weightInit(WeightInit.XAVIER)
                .graphBuilder()
                .addInputs("x")
                .addLayer("hidden", new DenseLayer.Builder().nIn(2).nOut(2).activation(Activation.SIGMOID).build(), "x")
                .addLayer("output", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(2).nOut(1)
                        .activation(Activation.SIGMOID).build(), "hidden")
                .setOutputs("output")
                .build();
    }

    public Result run() {
        Backend.start(0, Backend.Workload.DENSE);
        ComputationGraph g = new ComputationGraph(graph(demo.seed, lr));
        g.init();
        DataSet example = new DataSet(Nd4j.createFromArray(new double[][] {{0.5, -1.0}}),
                Nd4j.createFromArray(new double[][] {{1.0}}));
        g.setInputs(example.getFeatures());
        g.setLabels(example.getLabels());
        g.computeGradientAndScore();
        Map<String, INDArray> gradients = g.gradient().gradientForVariable();
        double lossBefore = g.score(example);

        List<Check> checks = new ArrayList<>();
        double squaredNorm = 0;
        System.out.println("One example x = (0.5, -1.0), target 1.0, loss = squared error; "
                + "how much does each weight change the loss?");
        System.out.printf(Locale.ROOT, "%-16s %18s %18s %12s%n", "weight", "backprop", "finite difference", "|difference|");
        for (Map.Entry<String, INDArray> e : g.paramTable().entrySet()) {
            INDArray p = e.getValue(); // a view into the network's parameters: changing it changes the network
            INDArray grad = gradients.get(e.getKey());
            for (long i = 0; i < p.length(); i++) {
                // DL4J keeps biases as vectors and weights as [in, out] matrices: name each entry by its position.
                long[] at = p.rank() == 1 ? new long[] {i} : new long[] {i / p.size(1), i % p.size(1)};
                double original = p.getDouble(at);
                p.putScalar(at, original + EPSILON);
                double up = g.score(example);
                p.putScalar(at, original - EPSILON);
                double down = g.score(example);
                p.putScalar(at, original);
                String[] name = e.getKey().split("_"); // "hidden_W" → layer "hidden", parameter "W"
                Check check = new Check(name[0] + " " + name[1] + Arrays.toString(at).replace(" ", ""),
                        grad.getDouble(at), (up - down) / (2 * EPSILON));
                checks.add(check);
                squaredNorm += check.backprop() * check.backprop();
                System.out.printf(Locale.ROOT, "%-16s %18.10f %18.10f %12.2e%n", check.weight(), check.backprop(),
                        check.finiteDifference(), check.difference());
            }
        }
        g.fit(example); // one plain gradient-descent step: w ← w − lr · ∂loss/∂w
        double lossAfter = g.score(example);
        double predicted = -lr * squaredNorm; // first-order Taylor: Δloss ≈ ∇loss · Δw = −lr |∇loss|²
        System.out.printf(Locale.ROOT, "%nLargest disagreement: %.2e.%n", checks.stream().mapToDouble(Check::difference).max().orElse(0));
        System.out.printf(Locale.ROOT, "One step at learning rate %s: loss %.8f → %.8f, a change of %.3e; "
                + "the gradients predicted %.3e.%n", lr, lossBefore, lossAfter, lossAfter - lossBefore, predicted);
        return new Result(checks, lossBefore, lossAfter, predicted);
    }

    @Override
    public Integer call() {
        run();
        return 0;
    }

    public static void main(String[] args) {
        Cli.main(new BackpropDemo(), args);
    }
}
