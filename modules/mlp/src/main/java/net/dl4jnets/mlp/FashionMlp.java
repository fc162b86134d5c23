package net.dl4jnets.mlp;

import java.util.List;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import net.dl4jnets.common.backend.Backend;
import net.dl4jnets.common.data.Augmentation;
import net.dl4jnets.common.data.Layout;
import net.dl4jnets.common.io.Param;
import net.dl4jnets.common.io.UserError;
import net.dl4jnets.common.train.Architecture;
import net.dl4jnets.common.train.ArchitectureProvider;
import net.dl4jnets.common.train.Benchmark;
import net.dl4jnets.common.train.FashionTraining;
import net.dl4jnets.common.train.LrSchedule;
import net.dl4jnets.common.train.Model;
import net.dl4jnets.common.train.TrainingConfig;

/**
 * Week 2: a multi-layer perceptron on Fashion-MNIST. Each image is flattened to 784 numbers, so the network cannot
 * know which pixels are neighbours; that is what week 3's convolutions add.
 */
public final class FashionMlp {
    private FashionMlp() {}

    /**
     * @param hidden       sizes of the hidden ReLU layers
     * @param inputDropout probability of dropping a pixel during training (0 = off; null in records written before
     *                     it was a setting, when the pixels were dropped at the {@code dropout} rate)
     * @param dropout      probability of dropping a hidden unit during training (0 = off)
     * @param l2        L2 weight decay (0 = off)
     * @param batchNorm batch normalization after each hidden layer
     * @param augmentation of training images: random horizontal flips, random shifts (zero padding)
     */
    public record Config(
            @Param(value = "Hidden layer sizes", label = "N,N") List<Integer> hidden,
            @Param(value = "Dropout probability on the pixels", label = "P") Double inputDropout,
            @Param(value = "Dropout probability on hidden units", label = "P") double dropout,
            @Param(value = "L2 weight decay", label = "W") double l2,
            @Param("Batch normalization after each hidden layer") boolean batchNorm,
            Augmentation augmentation) {
        // Dropping the last hidden layer's units too (DL4J's dropout is on a layer's input, so the output layer
        // carries it) and a third, wider layer raised validation accuracy from 91.16% to 91.74-91.82% over the last
        // five epochs; flips and shifts only make an MLP's task harder (BENCHMARKS.md, "Accuracy recipes").
        public static final Config DEFAULT = new Config(List.of(1024, 512, 256), 0.2, 0.3, 1e-5, false,
                Augmentation.NONE);
        public static final TrainingConfig TRAINING = TrainingConfig.DEFAULTS.withEpochs(40).withBatchSize(128)
                .withLr(1e-3).withLrSchedule(LrSchedule.COSINE);

        public Config {
            hidden = List.copyOf(hidden);
            // a run folder written before augmentation was an MLP setting has none in its config.json
            augmentation = augmentation == null ? Augmentation.NONE : augmentation;
            inputDropout = inputDropout == null ? dropout : inputDropout;
            if (hidden.isEmpty() || hidden.stream().anyMatch(h -> h <= 0)) {
                throw new UserError("--hidden must list positive layer sizes, got " + hidden + ".");
            }
            if (dropout < 0 || dropout >= 1) {
                throw new UserError("--dropout must be in [0, 1), got " + dropout + ".");
            }
            if (inputDropout < 0 || inputDropout >= 1) {
                throw new UserError("--input-dropout must be in [0, 1), got " + inputDropout + ".");
            }
            if (l2 < 0) {
                throw new UserError("--l2 must be 0 or positive, got " + l2 + ".");
            }
        }
    }

    /** {@code nets mlp}: its options, --help and resume checks come from the record. */
    public static final Model.Images<Config> MODEL = new Model.Images<>("mlp",
            "Train a multi-layer perceptron on Fashion-MNIST.", Config.DEFAULT, Config.TRAINING, FashionMlp::spec);

    /** The command, the MLP for {@code compare}, and the benchmark's 784-256-128-10 without dropout. */
    public static final class Architectures implements ArchitectureProvider {
        @Override
        public List<Model<?>> models() {
            return List.of(MODEL);
        }

        @Override
        public List<Architecture> architectures() {
            return List.of(new Architecture("mlp", 2, "784-1024-512-256-10 perceptron with dropout", Config.TRAINING,
                    t -> spec(Config.DEFAULT, t)));
        }

        @Override
        public List<Benchmark> benchmarks() {
            Config c = new Config(List.of(256, 128), 0.0, 0, 0, false, Augmentation.NONE);
            return List.of(new Benchmark("mlp", 2, "784-256-128-10 perceptron", Backend.Workload.DENSE, 128,
                    Layout.DENSE, null, (seed, input) -> graph(c, TrainingConfig.DEFAULTS.withSeed(seed), input)));
        }
    }

    /** The network; the training settings give its seed and learning rate. */
    public static ComputationGraphConfiguration graph(Config c, TrainingConfig t) {
        return graph(c, t, Layout.DENSE.inputType());
    }

    /** The same network for another input size (gradient checks use a small one). */
    static ComputationGraphConfiguration graph(Config c, TrainingConfig t, InputType input) {
        var builder = new NeuralNetConfiguration.Builder()
                .seed(t.seed())
                .updater(new Adam(t.learningRate()))
                .weightInit(WeightInit.RELU)
                .l2(c.l2())
                .graphBuilder()
                .addInputs("pixels");
        String previous = "pixels";
        for (int i = 0; i < c.hidden().size(); i++) {
            String name = "hidden" + (i + 1);
            var dense = new DenseLayer.Builder().nOut(c.hidden().get(i)).activation(Activation.RELU);
            dropInputs(dense, i == 0 ? c.inputDropout() : c.dropout());
            builder.addLayer(name, dense.build(), previous);
            previous = name;
            if (c.batchNorm()) {
                builder.addLayer(name + "_bn", new BatchNormalization.Builder().build(), previous);
                previous = name + "_bn";
            }
        }
        var classes = new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                .activation(Activation.SOFTMAX);
        dropInputs(classes, c.dropout());
        return builder
                .addLayer("classes", classes.build(), previous)
                .setOutputs("classes")
                .setInputTypes(input)
                .build();
    }

    /**
     * DL4J's dropout belongs to the layer that reads the dropped values: {@code dropOut} on a layer drops its INPUTS,
     * and takes the probability of keeping one. So the pixels are dropped by the first hidden layer, and the units of
     * each hidden layer by the layer after it.
     */
    private static void dropInputs(BaseLayer.Builder<?> layer, double p) {
        if (p > 0) {
            layer.dropOut(1 - p);
        }
    }

    /** What the shared run trains. */
    public static FashionTraining.Spec spec(Config c, TrainingConfig t) {
        return new FashionTraining.Spec("mlp", "mlp", Layout.DENSE, Backend.Workload.DENSE, c,
                graph(c, t), true, c.augmentation());
    }
}
