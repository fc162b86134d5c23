package net.dl4jnets.mlp.playground;

import java.util.List;
import java.util.Locale;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

import net.dl4jnets.mlp.playground.PlaygroundSpec.Act;
import net.dl4jnets.mlp.playground.PlaygroundSpec.Problem;
import net.dl4jnets.mlp.playground.PlaygroundSpec.Regularization;

/**
 * The network of a playground setting, in DL4J's own classes, and the same network as Java source a learner can copy.
 * The two are written side by side so they cannot drift apart; a test compiles the source and compares the
 * configurations.
 *
 * <p>Classification ends in softmax with cross-entropy, so two classes and five are the same network; regression
 * ends in one linear unit with squared error. DL4J's {@code dropOut(p)} keeps each <em>input</em> of a layer with
 * probability p, so a hidden layer's dropout is set on the layer after it.
 */
public final class PlaygroundNetwork {
    public static final String INPUT = "features";
    public static final String OUTPUT = "output";

    private PlaygroundNetwork() {}

    public static String layerName(int hidden) {
        return "hidden" + (hidden + 1);
    }

    public static ComputationGraphConfiguration graph(PlaygroundSpec s) {
        NeuralNetConfiguration.Builder b = new NeuralNetConfiguration.Builder()
                .seed(s.seed())
                .weightInit(WeightInit.XAVIER)
                .updater(updater(s));
        if (s.regularization() == Regularization.L1) {
            b.l1(s.regularizationRate());
        } else if (s.regularization() == Regularization.L2) {
            b.l2(s.regularizationRate());
        }
        var g = b.graphBuilder().addInputs(INPUT);
        String previous = INPUT;
        int in = s.features().size();
        for (int i = 0; i < s.layers().size(); i++) {
            var layer = new DenseLayer.Builder().nIn(in).nOut(s.layers().get(i)).activation(activation(s.activation()));
            if (i > 0 && s.dropout().get(i - 1) > 0) {
                layer.dropOut(1 - s.dropout().get(i - 1));
            }
            g.addLayer(layerName(i), layer.build(), previous);
            previous = layerName(i);
            in = s.layers().get(i);
        }
        var out = s.problem() == Problem.REGRESSION
                ? new OutputLayer.Builder(LossFunction.MSE).activation(Activation.IDENTITY)
                : new OutputLayer.Builder(LossFunction.MCXENT).activation(Activation.SOFTMAX);
        out.nIn(in).nOut(s.outputs());
        if (!s.layers().isEmpty() && s.dropout().get(s.layers().size() - 1) > 0) {
            out.dropOut(1 - s.dropout().get(s.layers().size() - 1));
        }
        return g.addLayer(OUTPUT, out.build(), previous).setOutputs(OUTPUT).build();
    }

    static IUpdater updater(PlaygroundSpec s) {
        return switch (s.optimizer()) {
            case SGD -> new Sgd(s.learningRate());
            case MOMENTUM -> new Nesterovs(s.learningRate(), 0.9);
            case ADAM -> new Adam(s.learningRate());
        };
    }

    static Activation activation(Act a) {
        return switch (a) {
            case TANH -> Activation.TANH;
            case RELU -> Activation.RELU;
            case SIGMOID -> Activation.SIGMOID;
            case LINEAR -> Activation.IDENTITY;
        };
    }

    /** {@link #graph} as a Java class that needs DL4J alone: {@code configuration()} and a {@code main} that runs it. */
    public static String javaCode(PlaygroundSpec s) {
        StringBuilder j = new StringBuilder();
        j.append("import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;\n")
                .append("import org.deeplearning4j.nn.conf.NeuralNetConfiguration;\n")
                .append("import org.deeplearning4j.nn.conf.layers.DenseLayer;\n")
                .append("import org.deeplearning4j.nn.conf.layers.OutputLayer;\n")
                .append("import org.deeplearning4j.nn.graph.ComputationGraph;\n")
                .append("import org.deeplearning4j.nn.weights.WeightInit;\n")
                .append("import org.nd4j.linalg.activations.Activation;\n")
                .append("import org.nd4j.linalg.factory.Nd4j;\n")
                .append("import org.nd4j.linalg.learning.config.").append(updaterClass(s)).append(";\n")
                .append("import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;\n\n")
                .append("/** The web playground's network: ").append(describe(s)).append(". */\n")
                .append("public class PlaygroundNet {\n")
                .append("    public static ComputationGraphConfiguration configuration() {\n")
                .append("        return new NeuralNetConfiguration.Builder()\n")
                .append("                .seed(").append(s.seed()).append("L)\n")
                .append("                .weightInit(WeightInit.XAVIER)\n")
                .append("                .updater(").append(updaterSource(s)).append(")\n");
        if (s.regularization() != Regularization.NONE) {
            j.append("                .").append(s.regularization().name().toLowerCase(Locale.ROOT)).append("(")
                    .append(number(s.regularizationRate())).append(")\n");
        }
        j.append("                .graphBuilder()\n")
                .append("                .addInputs(\"").append(INPUT).append("\")")
                .append("  // ").append(String.join(", ", s.features().stream().map(f -> f.id()).toList())).append("\n");
        String previous = INPUT;
        int in = s.features().size();
        for (int i = 0; i < s.layers().size(); i++) {
            j.append("                .addLayer(\"").append(layerName(i)).append("\", new DenseLayer.Builder().nIn(").append(in)
                    .append(").nOut(").append(s.layers().get(i)).append(")\n")
                    .append("                        .activation(Activation.").append(activation(s.activation()).name()).append(")");
            if (i > 0 && s.dropout().get(i - 1) > 0) {
                j.append(dropOutSource(s.dropout().get(i - 1), layerName(i - 1)));
            }
            j.append(".build(), \"").append(previous).append("\")\n");
            previous = layerName(i);
            in = s.layers().get(i);
        }
        boolean regression = s.problem() == Problem.REGRESSION;
        j.append("                .addLayer(\"").append(OUTPUT).append("\", new OutputLayer.Builder(LossFunction.")
                .append(regression ? "MSE" : "MCXENT").append(").nIn(").append(in).append(").nOut(").append(s.outputs())
                .append(")\n                        .activation(Activation.").append(regression ? "IDENTITY" : "SOFTMAX").append(")");
        if (!s.layers().isEmpty() && s.dropout().get(s.layers().size() - 1) > 0) {
            j.append(dropOutSource(s.dropout().get(s.layers().size() - 1), layerName(s.layers().size() - 1)));
        }
        j.append(".build(), \"").append(previous).append("\")\n")
                .append("                .setOutputs(\"").append(OUTPUT).append("\")\n")
                .append("                .build();\n")
                .append("    }\n\n")
                .append("    public static void main(String[] args) {\n")
                .append("        ComputationGraph net = new ComputationGraph(configuration());\n")
                .append("        net.init();\n")
                .append("        System.out.println(net.summary());\n")
                .append("        // train with net.fit(dataSet): features [n, ").append(s.features().size())
                .append("] in the order above, labels [n, ").append(s.outputs()).append("]")
                .append(regression ? "" : " one-hot").append("\n")
                .append("        System.out.println(net.outputSingle(Nd4j.zeros(1, ").append(s.features().size()).append(")));\n")
                .append("    }\n")
                .append("}\n");
        return j.toString();
    }

    private static String dropOutSource(double p, String after) {
        return "\n                        .dropOut(" + number(1 - p) + ")  // keeps " + after + "'s outputs with this "
                + "probability: dropout " + number(p) + "\n                        ";
    }

    private static String updaterClass(PlaygroundSpec s) {
        return switch (s.optimizer()) {
            case SGD -> "Sgd";
            case MOMENTUM -> "Nesterovs";
            case ADAM -> "Adam";
        };
    }

    private static String updaterSource(PlaygroundSpec s) {
        String rate = number(s.learningRate());
        return switch (s.optimizer()) {
            case SGD -> "new Sgd(" + rate + ")";
            case MOMENTUM -> "new Nesterovs(" + rate + ", 0.9)";
            case ADAM -> "new Adam(" + rate + ")";
        };
    }

    public static String describe(PlaygroundSpec s) {
        List<Integer> l = s.layers();
        return (l.isEmpty() ? "no hidden layer" : "hidden layers " + l + " " + s.activation().name().toLowerCase(Locale.ROOT))
                + ", " + s.optimizer().name().toLowerCase(Locale.ROOT) + " at " + number(s.learningRate());
    }

    /** A double as a Java literal that reads back to the same value. */
    public static String number(double v) {
        return Double.toString(v);
    }
}
