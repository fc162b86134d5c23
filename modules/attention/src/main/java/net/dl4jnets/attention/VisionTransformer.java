package net.dl4jnets.attention;

import java.util.List;
import java.util.Locale;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

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
import net.dl4jnets.common.train.Parallelism;
import net.dl4jnets.common.train.TrainingConfig;
import net.dl4jnets.layers.LayerNorm;
import net.dl4jnets.layers.Linear;
import net.dl4jnets.layers.PatchEmbedding;
import net.dl4jnets.layers.PositionalEmbedding;
import net.dl4jnets.layers.TokenMean;
import net.dl4jnets.layers.TransformerBlock;

/**
 * Week 5: a vision transformer (Dosovitskiy et al., 2020) on Fashion-MNIST. The image is cut into tokens (square
 * patches, or its 28 rows), each token is projected to the model's width and given a learned position, and a stack
 * of transformer blocks lets every token look at every other through self-attention. A convolution sees only its
 * neighbourhood; attention relates any two parts of the image from the first layer on, at a cost that grows with
 * the square of the number of tokens, and without a convolution's built-in assumption that nearby pixels belong
 * together, which it must learn from data. The tokens' mean (over the sequence) feeds the classifier.
 */
public final class VisionTransformer {
    private VisionTransformer() {}

    /** How an image becomes tokens. */
    public enum Tokens {
        /** Non-overlapping square patches of {@code patch} pixels, read row by row. */
        PATCHES,
        /** Each of the 28 rows of pixels is a token, as the row RNNs read it. */
        ROWS;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @param patch    side of a square patch in pixels (patches only); must divide 28
     * @param overlap  pixels of the neighbouring patches each patch's token also reads, on every side (patches only)
     * @param mlpRatio the width of each block's MLP, as a multiple of the width
     * @param dropout  after the embedding, the attention and the MLP of every block
     */
    public record Config(
            @Param(value = "patches or rows", label = "KIND") Tokens tokens,
            @Param(value = "Patch side in pixels, dividing 28", label = "PX") int patch,
            @Param(value = "Pixels of the neighbouring patches each token also reads, on every side; 0 for the classic "
                    + "non-overlapping patches", label = "PX") int overlap,
            @Param(value = "Transformer blocks", label = "N") int layers,
            @Param(value = "Channels of every token", label = "N") int width,
            @Param(value = "Attention heads; must divide --width", label = "N") int heads,
            @Param(value = "MLP width as a multiple of --width", label = "R") double mlpRatio,
            @Param(value = "Dropout after embedding, attention and MLP", label = "P") double dropout,
            Augmentation augmentation) {
        // 7x7 patches (16 tokens): on one core an epoch takes 53 s against 123 s for 4x4 patches (49 tokens), and in
        // equal time the coarser tokens learned more (BENCHMARKS.md, "Accuracy recipes").
        public static final Config DEFAULT = new Config(Tokens.PATCHES, 7, 0, 4, 64, 4, 2, 0.1,
                new Augmentation(true, 1));
        /*
         * One replica per core (two at most), as for the GPT: the model's small operations run fastest on one thread
         * each, so the second core trains a second replica and the 30 minutes hold about twice the epochs of one
         * (BENCHMARKS.md). 30 minutes of training by default, the target's budget, with 300 epochs as a cap so that
         * the clock ends the run; the rate follows the clock.
         */
        public static final TrainingConfig TRAINING = TrainingConfig.DEFAULTS.withEpochs(300).withLimits(0, 30)
                .withBatchSize(128)
                .withLr(3e-3).withLrSchedule(LrSchedule.WARMUP).withClipNorm(1.0)
                .withParallel(Parallelism.onePerCore(2));

        public Config {
            if (tokens == Tokens.PATCHES && (patch < 1 || FashionMnist.ROWS % patch != 0)) {
                throw new UserError("--patch must divide 28 (1, 2, 4, 7, 14 or 28), got " + patch + ".");
            }
            if (tokens == Tokens.ROWS) {
                overlap = 0; // a row is the whole width, and its neighbours are other tokens
            } else if (overlap < 0 || overlap > patch) {
                throw new UserError("--overlap must be between 0 and the patch side " + patch + ", got " + overlap
                        + ".");
            }
            if (layers < 1 || width < 1 || heads < 1) {
                throw new UserError("--layers, --width and --heads must be positive.");
            }
            if (width % heads != 0) {
                throw new UserError("--heads " + heads + " must divide --width " + width + " (each head gets "
                        + "width/heads channels).");
            }
            if (!(mlpRatio > 0)) {
                throw new UserError("--mlp-ratio must be positive, got " + mlpRatio + ".");
            }
            if (dropout < 0 || dropout >= 1) {
                throw new UserError("--dropout must be in [0, 1), got " + dropout + ".");
            }
        }

        /** Tokens per image. */
        public int sequenceLength() {
            return tokens == Tokens.ROWS ? FashionMnist.ROWS : (FashionMnist.ROWS / patch) * (FashionMnist.COLS / patch);
        }

        public Layout layout() {
            return tokens == Tokens.ROWS ? Layout.SEQUENCE : Layout.CONV;
        }

        public Config withTokens(Tokens t, int p) {
            return new Config(t, p, overlap, layers, width, heads, mlpRatio, dropout, augmentation);
        }
    }

    /** {@code nets transformer}: trains it, then draws where its attention goes. */
    public static final Model.Images<Config> MODEL = new Model.Images<>("transformer",
            "Train a vision transformer on Fashion-MNIST and draw its attention maps.", Config.DEFAULT,
            Config.TRAINING, VisionTransformer::spec).withPictures(AttentionMaps::draw);

    /** The command, the transformer for {@code compare}, the default shape without dropout for the benchmark. */
    public static final class Architectures implements ArchitectureProvider {
        @Override
        public List<Model<?>> models() {
            return List.of(MODEL);
        }

        @Override
        public List<Architecture> architectures() {
            return List.of(new Architecture("transformer", 5, "vision transformer: 7x7 patches, 4 pre-norm blocks",
                    Config.TRAINING, t -> spec(Config.DEFAULT, t)));
        }

        @Override
        public List<Benchmark> benchmarks() {
            Config plain = new Config(Tokens.PATCHES, 7, 0, 4, 64, 4, 2, 0, Augmentation.NONE);
            return List.of(new Benchmark("transformer", 5, "vision transformer, 7x7 patches, 4 blocks of width 64",
                    Backend.Workload.DENSE, 128, Layout.CONV, null,
                    (seed, input) -> graph(plain, TrainingConfig.DEFAULTS.withSeed(seed))));
        }
    }

    /** The network; the training settings give its seed and learning rate. */
    public static ComputationGraphConfiguration graph(Config c, TrainingConfig t) {
        int n = c.sequenceLength();
        var g = new NeuralNetConfiguration.Builder()
                .seed(t.seed())
                .updater(new Adam(t.learningRate()))
                .weightInit(WeightInit.XAVIER)
                .graphBuilder();
        String x;
        if (c.tokens() == Tokens.ROWS) {
            g.addInputs("rows").setInputTypes(Layout.SEQUENCE.inputType());
            g.addLayer("embed", new Linear(FashionMnist.COLS, c.width(), n, false, true, 0.02).ncw(true, false), "rows");
        } else {
            g.addInputs("image").setInputTypes(Layout.CONV.inputType());
            g.addLayer("embed", new PatchEmbedding(c.patch(), c.overlap(), c.width()), "image");
        }
        g.addLayer("position", new PositionalEmbedding(c.width(), n), "embed");
        x = "position";
        if (c.dropout() > 0) {
            g.addLayer("embed_dropout", new DropoutLayer.Builder(1 - c.dropout()).build(), x);
            x = "embed_dropout";
        }
        TransformerBlock block = new TransformerBlock(c.width(), n, c.heads(), c.mlpRatio(), false, c.dropout(),
                c.layers());
        for (int i = 1; i <= c.layers(); i++) {
            x = block.addTo(g, "block" + i, x);
        }
        return g.addLayer("ln_final", new LayerNorm(c.width(), n), x)
                .addLayer("pool", new TokenMean(c.width(), n), "ln_final")
                .addLayer("classes", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(FashionMnist.CLASSES).activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("classes")
                .build();
    }

    /** What the shared training run needs to train this model. */
    public static FashionTraining.Spec spec(Config c, TrainingConfig t) {
        return new FashionTraining.Spec("transformer", "transformer", c.layout(), Backend.Workload.DENSE, c,
                graph(c, t), true, c.augmentation());
    }
}
