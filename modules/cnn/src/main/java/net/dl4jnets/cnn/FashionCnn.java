package net.dl4jnets.cnn;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import net.dl4jnets.common.backend.Backend;
import net.dl4jnets.common.cli.AugmentOptions;
import net.dl4jnets.common.cli.Cli;
import net.dl4jnets.common.cli.ModelDefaults;
import net.dl4jnets.common.cli.NetsCommand;
import net.dl4jnets.common.cli.TrainOptions;
import net.dl4jnets.common.cli.UserError;
import net.dl4jnets.common.data.Augmentation;
import net.dl4jnets.common.data.FashionMnist;
import net.dl4jnets.common.data.Layout;
import net.dl4jnets.common.train.Architecture;
import net.dl4jnets.common.train.ArchitectureProvider;
import net.dl4jnets.common.train.FashionModel;
import net.dl4jnets.common.train.FashionTraining;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Week 3: convolutional networks on Fashion-MNIST. A convolution looks at a small patch and slides the same filter
 * over the whole image, so the network knows which pixels are neighbours and needs far fewer weights than an MLP.
 * Three architectures, from the historical baseline to a residual network that only a computation graph can express.
 */
@Command(name = "cnn", mixinStandardHelpOptions = true, defaultValueProvider = FashionCnn.Defaults.class,
        description = "Train a convolutional network (lenet, modern or resnet) on Fashion-MNIST.")
public final class FashionCnn implements NetsCommand, FashionModel {
    /** Every {@link Arch} as an architecture for {@code compare}. */
    public static final class Architectures implements ArchitectureProvider {
        @Override
        public List<Architecture> architectures() {
            return java.util.Arrays.stream(Arch.values()).map(a -> new Architecture("cnn-" + a.id(), 3, a.summary(),
                    FashionCnn::new, List.of("--arch", a.id()))).toList();
        }
    }

    /** The architectures; each is a small function from the hyper-parameters to a graph. */
    public enum Arch {
        LENET(LeNet5::graph, "LeNet-5 (1998): tanh convolutions and average pooling"),
        MODERN(ModernCnn::graph, "strided conv-batchnorm-ReLU stages, dropout, dense head"),
        RESNET(SmallResNet::graph, "small ResNet: residual blocks joined by ElementWiseVertex additions");

        private final BiFunction<Config, InputType, ComputationGraphConfiguration> builder;
        private final String summary;

        Arch(BiFunction<Config, InputType, ComputationGraphConfiguration> builder, String summary) {
            this.builder = builder;
            this.summary = summary;
        }

        public String summary() {
            return summary;
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** This architecture for any image input (tests use small ones). */
        public ComputationGraphConfiguration graph(Config c, InputType input) {
            return builder.apply(c, input);
        }
    }

    /**
     * @param width        channels of the first convolution stage; later stages double it (lenet ignores it)
     * @param convsPerStage convolutions before each pooling step (modern only)
     * @param dropout      probability of dropping a unit before the classifier head
     * @param flip         random horizontal flips of training images
     * @param shift        random shifts of training images by up to this many pixels (zero padding)
     */
    public record Config(Arch arch, int width, int convsPerStage, double dropout, boolean flip, int shift,
                         long seed, double lr) {
        public static final Config DEFAULT = new Config(Arch.MODERN, 32, 2, 0.25, true, 1, 42, 2e-3);

        public Augmentation augmentation() {
            return new Augmentation(flip, shift);
        }
    }

    /** Feeds {@link Config#DEFAULT} and the training defaults to the shared options and to --help. */
    public static final class Defaults extends ModelDefaults {
        @Override
        protected Map<String, Object> defaults() {
            Config d = Config.DEFAULT;
            return Map.of("--epochs", 20, "--batch-size", 128, "--lr", d.lr(), "--lr-schedule", "cosine",
                    "--arch", d.arch().id(), "--width", d.width(), "--convs-per-stage", d.convsPerStage(),
                    "--dropout", d.dropout(), "--flip", d.flip(), "--shift", d.shift());
        }
    }

    @Mixin
    TrainOptions train = new TrainOptions();

    @Option(names = "--arch", paramLabel = "ARCH", description = "Architecture: lenet, modern or resnet (default: ${DEFAULT-VALUE}).")
    Arch arch;

    @Option(names = "--width", paramLabel = "N", description = "Channels of the first stage (default: ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--convs-per-stage", paramLabel = "N", description = "modern: convolutions per stage (default: ${DEFAULT-VALUE}).")
    int convsPerStage;

    @Option(names = "--dropout", paramLabel = "P", description = "Dropout before the classifier (default: ${DEFAULT-VALUE}).")
    double dropout;

    @Mixin
    AugmentOptions augment = new AugmentOptions();

    @Option(names = "--filters", description = "Write first-layer filter and feature-map pictures after training (default: on).",
            negatable = true, defaultValue = "true", fallbackValue = "true")
    boolean pictures;

    /** The graph of an architecture for one of the layouts a CNN accepts (DENSE is reshaped to an image). */
    public static ComputationGraphConfiguration graph(Config c, Layout layout) {
        InputType input = switch (layout) {
            case CONV -> InputType.convolutional(FashionMnist.ROWS, FashionMnist.COLS, 1);
            case DENSE -> InputType.convolutionalFlat(FashionMnist.ROWS, FashionMnist.COLS, 1);
            case SEQUENCE -> throw new IllegalArgumentException(
                    "a CNN reads images, not row sequences: use layout CONV or DENSE");
        };
        return c.arch().graph(c, input);
    }

    /** What every architecture starts from: seed, Adam, He initialisation, the input "image" of the given type. */
    static ComputationGraphConfiguration.GraphBuilder start(Config c, InputType input) {
        return new NeuralNetConfiguration.Builder()
                .seed(c.seed())
                .updater(new Adam(c.lr()))
                .weightInit(WeightInit.RELU)
                .graphBuilder()
                .addInputs("image")
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
    public static FashionTraining.Spec spec(Config c) {
        return new FashionTraining.Spec("cnn-" + c.arch().id(), Layout.CONV, Backend.Workload.CONV, c,
                graph(c, Layout.CONV), true, c.augmentation());
    }

    Config config() {
        if (width < 1) {
            throw new UserError("--width must be positive, got " + width + ".");
        }
        if (convsPerStage < 1 || convsPerStage > 4) {
            throw new UserError("--convs-per-stage must be between 1 and 4, got " + convsPerStage + ".");
        }
        if (dropout < 0 || dropout >= 1) {
            throw new UserError("--dropout must be in [0, 1), got " + dropout + ".");
        }
        Augmentation a = augment.augmentation();
        return new Config(arch, width, convsPerStage, dropout, a.flip(), a.maxShift(), train.seed, train.lr);
    }

    @Override
    public FashionTraining.Spec spec() {
        return spec(config());
    }

    @Override
    public TrainOptions trainOptions() {
        return train;
    }

    /** Trains, evaluates and draws; returns what the run produced. */
    @Override
    public FashionTraining.Outcome train() {
        FashionTraining.Outcome outcome = FashionModel.super.train();
        if (pictures && outcome.test() != null) {
            Path dir = outcome.run().dir();
            String model = "cnn-" + arch.id();
            CnnPictures.filters(dir.resolve("filters.png"), outcome.best(), model);
            List<Path> maps = CnnPictures.featureMaps(dir, outcome.best(), model, outcome.testView(),
                    outcome.evalOptions());
            System.out.println("Pictures: filters.png, " + String.join(", ", maps.stream()
                    .map(p -> p.getFileName().toString()).toList()));
        }
        return outcome;
    }

    @Override
    public Integer call() {
        return train().exitCode();
    }

    public static void main(String[] args) {
        Cli.main(new FashionCnn(), args);
    }
}
