package net.dl4jnets.mlp;

import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import net.dl4jnets.common.backend.Backend;
import net.dl4jnets.common.cli.Cli;
import net.dl4jnets.common.cli.ModelDefaults;
import net.dl4jnets.common.cli.NetsCommand;
import net.dl4jnets.common.cli.TrainOptions;
import net.dl4jnets.common.cli.UserError;
import net.dl4jnets.common.data.Augmentation;
import net.dl4jnets.common.data.Layout;
import net.dl4jnets.common.train.Architecture;
import net.dl4jnets.common.train.ArchitectureProvider;
import net.dl4jnets.common.train.FashionModel;
import net.dl4jnets.common.train.FashionTraining;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Week 2: a multi-layer perceptron on Fashion-MNIST. Each image is flattened to 784 numbers, so the network cannot
 * know which pixels are neighbours; that is what week 3's convolutions add.
 */
@Command(name = "mlp", mixinStandardHelpOptions = true, defaultValueProvider = FashionMlp.Defaults.class,
        description = "Train a multi-layer perceptron on Fashion-MNIST.")
public final class FashionMlp implements NetsCommand, FashionModel {
    /** The MLP as an architecture for {@code compare}. */
    public static final class Architectures implements ArchitectureProvider {
        @Override
        public List<Architecture> architectures() {
            return List.of(new Architecture("mlp", 2, "784-512-256-10 perceptron with dropout", FashionMlp::new,
                    List.of()));
        }
    }

    /**
     * @param hidden    sizes of the hidden ReLU layers
     * @param dropout   probability of dropping a hidden unit during training (0 = off)
     * @param l2        L2 weight decay (0 = off)
     * @param batchNorm batch normalization after each hidden layer
     */
    public record Config(List<Integer> hidden, double dropout, double l2, boolean batchNorm, int epochs,
                         int batchSize, double lr) {
        public static final Config DEFAULT = new Config(List.of(512, 256), 0.2, 1e-5, false, 20, 128, 1e-3);
    }

    /** Feeds {@link Config#DEFAULT} to the shared options and to --help. */
    public static final class Defaults extends ModelDefaults {
        @Override
        protected Map<String, Object> defaults() {
            Config d = Config.DEFAULT;
            return Map.of("--epochs", d.epochs(), "--batch-size", d.batchSize(), "--lr", d.lr(), "--lr-schedule", "cosine",
                    "--hidden", String.join(",", d.hidden().stream().map(String::valueOf).toList()),
                    "--dropout", d.dropout(), "--l2", d.l2());
        }
    }

    @Mixin
    TrainOptions train = new TrainOptions();

    @Option(names = "--hidden", split = ",", paramLabel = "N,N", description = "Hidden layer sizes (default: ${DEFAULT-VALUE}).")
    List<Integer> hidden;

    @Option(names = "--dropout", paramLabel = "P", description = "Dropout probability on hidden units (default: ${DEFAULT-VALUE}).")
    double dropout;

    @Option(names = "--l2", paramLabel = "W", description = "L2 weight decay (default: ${DEFAULT-VALUE}).")
    double l2;

    @Option(names = "--batch-norm", description = "Batch normalization after each hidden layer.")
    boolean batchNorm;

    public static ComputationGraphConfiguration graph(Config c, long seed) {
        return graph(c, seed, Layout.DENSE.inputType());
    }

    /** The same network for another input size (gradient checks use a small one). */
    static ComputationGraphConfiguration graph(Config c, long seed, InputType input) {
        var builder = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(new Adam(c.lr()))
                .weightInit(WeightInit.RELU)
                .l2(c.l2())
                .graphBuilder()
                .addInputs("pixels");
        String previous = "pixels";
        for (int i = 0; i < c.hidden().size(); i++) {
            String name = "hidden" + (i + 1);
            // DL4J's dropOut(p) takes the probability of KEEPING a unit.
            var dense = new DenseLayer.Builder().nOut(c.hidden().get(i)).activation(Activation.RELU);
            if (c.dropout() > 0) {
                dense.dropOut(1 - c.dropout());
            }
            builder.addLayer(name, dense.build(), previous);
            previous = name;
            if (c.batchNorm()) {
                builder.addLayer(name + "_bn", new BatchNormalization.Builder().build(), previous);
                previous = name + "_bn";
            }
        }
        return builder
                .addLayer("classes", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(10).activation(Activation.SOFTMAX).build(), previous)
                .setOutputs("classes")
                .setInputTypes(input)
                .build();
    }

    Config config() {
        if (hidden.isEmpty() || hidden.stream().anyMatch(h -> h <= 0)) {
            throw new UserError("--hidden must list positive layer sizes, got " + hidden + ".");
        }
        if (dropout < 0 || dropout >= 1) {
            throw new UserError("--dropout must be in [0, 1), got " + dropout + ".");
        }
        if (l2 < 0) {
            throw new UserError("--l2 must be 0 or positive, got " + l2 + ".");
        }
        return new Config(List.copyOf(hidden), dropout, l2, batchNorm, train.epochs, train.batchSize, train.lr);
    }

    @Override
    public FashionTraining.Spec spec() {
        Config c = config();
        return new FashionTraining.Spec("mlp", Layout.DENSE, Backend.Workload.DENSE, c, graph(c, train.seed), true,
                Augmentation.NONE);
    }

    @Override
    public TrainOptions trainOptions() {
        return train;
    }

    @Override
    public Integer call() {
        return train().exitCode();
    }

    public static void main(String[] args) {
        Cli.main(new FashionMlp(), args);
    }
}
