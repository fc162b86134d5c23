package net.dl4jnets.cnn;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.schedule.ISchedule;

import net.dl4jnets.common.backend.Backend;
import net.dl4jnets.common.data.Augmentation;
import net.dl4jnets.common.data.FashionMnist;
import net.dl4jnets.common.data.Layout;
import net.dl4jnets.common.io.Param;
import net.dl4jnets.common.io.UserError;
import net.dl4jnets.common.train.Architecture;
import net.dl4jnets.common.train.ArchitectureProvider;
import net.dl4jnets.common.train.Benchmark;
import net.dl4jnets.common.train.FashionTraining;
import net.dl4jnets.common.train.LrSchedule;
import net.dl4jnets.common.train.Model;
import net.dl4jnets.common.train.Monitor;
import net.dl4jnets.common.train.TrainingConfig;

/**
 * Week 3: convolutional networks on Fashion-MNIST. A convolution looks at a small patch and slides the same filter
 * over the whole image, so the network knows which pixels are neighbours and needs far fewer weights than an MLP.
 * Three architectures, from the historical baseline to a residual network that only a computation graph can express.
 */
public final class FashionCnn {
    private FashionCnn() {}

    /** The architectures; each is a small function from the hyper-parameters to a graph. */
    public enum Arch {
        LENET(LeNet5::graph, "LeNet-5 (1998): tanh convolutions and average pooling"),
        MODERN(ModernCnn::graph, "strided conv-batchnorm-ReLU stages, dropout, dense head"),
        RESNET(SmallResNet::graph, "small ResNet: residual blocks joined by ElementWiseVertex additions");

        /** A graph builder: hyper-parameters, training settings (seed, rate), input type. */
        interface Builder {
            ComputationGraphConfiguration graph(Config c, TrainingConfig t, InputType input);
        }

        private final Builder builder;
        private final String summary;

        Arch(Builder builder, String summary) {
            this.builder = builder;
            this.summary = summary;
        }

        public String summary() {
            return summary;
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        @Override
        public String toString() {
            return id();
        }

        /** This architecture for any image input (tests use small ones). */
        public ComputationGraphConfiguration graph(Config c, TrainingConfig t, InputType input) {
            return builder.graph(c, t, input);
        }
    }

    /**
     * @param width         channels of the first convolution stage; later stages double it (lenet ignores it)
     * @param convsPerStage convolutions before each pooling step (modern only)
     * @param dropout       probability of dropping a unit before the classifier head
     * @param augmentation  of training images: random horizontal flips, random shifts (zero padding)
     * @param optimizer     the update rule; null in a record written before it, read as Adam
     * @param weightDecay   decoupled weight decay: each step shrinks every weight by lr × this (0 = off)
     */
    public record Config(
            @Param(value = "Architecture: lenet, modern or resnet", label = "ARCH") Arch arch,
            @Param(value = "Channels of the first stage", label = "N") int width,
            @Param(value = "modern: convolutions per stage", label = "N") int convsPerStage,
            @Param(value = "Dropout before the classifier", label = "P") double dropout,
            Augmentation augmentation,
            @Param(value = "Update rule: adam or nesterov", label = "RULE") Optimizer optimizer,
            @Param(value = "Decoupled weight decay per unit of learning rate; 0 = off", label = "W")
            double weightDecay) {
        // Three convolutions per stage, 60 epochs (about 19 of the 30 minutes on 2 cores), the most accurate epoch
        // kept: validation 95.24-95.36% over the last ten epochs against 95.00-95.20% with two per stage, and 93.78%
        // after 20 epochs (seed 42, BENCHMARKS.md, "Accuracy recipes"). Its validation loss bottoms out at epoch 41
        // while its accuracy still climbs, so the epoch kept is the most accurate one.
        public static final Config DEFAULT = new Config(Arch.MODERN, 32, 3, 0.25, new Augmentation(true, 1),
                Optimizer.ADAM, 0);
        public static final TrainingConfig TRAINING = TrainingConfig.DEFAULTS.withEpochs(60).withBatchSize(128)
                .withLr(2e-3).withLrSchedule(LrSchedule.COSINE).withMonitor(Monitor.VAL_ACCURACY);

        public Config {
            optimizer = optimizer == null ? Optimizer.ADAM : optimizer;
            if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
                throw new UserError("--weight-decay must be 0 (off) or a positive number, got " + weightDecay + ".");
            }
            if (width < 1) {
                throw new UserError("--width must be positive, got " + width + ".");
            }
            if (convsPerStage < 1 || convsPerStage > 4) {
                throw new UserError("--convs-per-stage must be between 1 and 4, got " + convsPerStage + ".");
            }
            if (dropout < 0 || dropout >= 1) {
                throw new UserError("--dropout must be in [0, 1), got " + dropout + ".");
            }
        }

        public Config withArch(Arch a) {
            return new Config(a, width, convsPerStage, dropout, augmentation, optimizer, weightDecay);
        }
    }

    /** {@code nets cnn}: trains one, then draws its first layer's filters and feature maps. */
    public static final Model.Images<Config> MODEL = new Model.Images<>("cnn",
            "Train a convolutional network (LeNet-5, a modern CNN or a small ResNet) on Fashion-MNIST and draw its "
                    + "filters and feature maps.", Config.DEFAULT, Config.TRAINING, FashionCnn::spec)
            .withPictures(CnnPictures::draw);

    /** The command, every {@link Arch} for {@code compare}, the default CNN for the speed benchmark. */
    public static final class Architectures implements ArchitectureProvider {
        @Override
        public List<Model<?>> models() {
            return List.of(MODEL);
        }

        @Override
        public List<Architecture> architectures() {
            return Arrays.stream(Arch.values()).map(a -> new Architecture("cnn-" + a.id(), 3, a.summary(),
                    Config.TRAINING, t -> spec(Config.DEFAULT.withArch(a), t))).toList();
        }

        @Override
        public List<Benchmark> benchmarks() {
            // Two convolutions per stage, as when the speed table was first taken, so its figures stay comparable.
            Config plain = new Config(Arch.MODERN, 32, 2, 0.25, Augmentation.NONE, Optimizer.ADAM, 0);
            return List.of(new Benchmark("modern", 3, "the cnn's modern design, two convolutions per stage: "
                    + Arch.MODERN.summary(), Backend.Workload.CONV,
                    128, Layout.CONV, null,
                    (seed, input) -> Arch.MODERN.graph(plain, TrainingConfig.DEFAULTS.withSeed(seed), input)));
        }
    }

    /** The graph of an architecture for one of the layouts a CNN accepts (DENSE is reshaped to an image). */
    public static ComputationGraphConfiguration graph(Config c, TrainingConfig t, Layout layout) {
        InputType input = switch (layout) {
            case CONV -> InputType.convolutional(FashionMnist.ROWS, FashionMnist.COLS, 1);
            case DENSE -> InputType.convolutionalFlat(FashionMnist.ROWS, FashionMnist.COLS, 1);
            case SEQUENCE -> throw new IllegalArgumentException(
                    "a CNN reads images, not row sequences: use layout CONV or DENSE");
        };
        return c.arch().graph(c, t, input);
    }

    /** The graph's input, the images. */
    static final String IMAGE = "image";

    /** The update rules a CNN can train with. */
    public enum Optimizer {
        /** Adam: a step per weight scaled by its own gradient history; forgiving of the learning rate. */
        ADAM,
        /**
         * SGD with Nesterov momentum 0.9, the classic rule for convolutional networks with batchnorm. Here, at rate
         * 0.05 with decay 0.005, it trailed Adam by 3 points of validation accuracy after 23 epochs (BENCHMARKS.md).
         */
        NESTEROV;

        IUpdater updater(ISchedule lr) {
            return this == ADAM ? new Adam(lr) : new Nesterovs(lr, 0.9);
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * What every architecture starts from: seed, the update rule and weight decay, He initialisation, the input
     * {@link #IMAGE} of the given type.
     */
    static ComputationGraphConfiguration.GraphBuilder start(Config c, TrainingConfig t, InputType input) {
        var b = new NeuralNetConfiguration.Builder()
                .seed(t.seed())
                .updater(c.optimizer().updater(t.learningRate()));
        if (c.weightDecay() > 0) {
            b.weightDecay(c.weightDecay()); // DL4J's decoupled decay, scaled by the current learning rate
        }
        return b.weightInit(WeightInit.RELU)
                // Without a cache DL4J's convolution computes its forward pass again in back-propagation.
                .cacheMode(CacheMode.DEVICE)
                .graphBuilder()
                .addInputs(IMAGE)
                .setInputTypes(input);
    }

    /** The classifier: softmax over the ten classes with cross-entropy, with dropout on its input if asked. */
    static OutputLayer classes(double dropout) {
        var out = new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(FashionMnist.CLASSES)
                .activation(Activation.SOFTMAX);
        if (dropout > 0) {
            out.dropOut(1 - dropout); // DL4J takes the probability of keeping a unit
        }
        return out.build();
    }

    /** What the shared training run needs to train this model. */
    public static FashionTraining.Spec spec(Config c, TrainingConfig t) {
        return new FashionTraining.Spec("cnn", "cnn-" + c.arch().id(), Layout.CONV, Backend.Workload.CONV, c,
                graph(c, t, Layout.CONV), true, c.augmentation());
    }
}
