package net.dl4jnets.rnn;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.rnn.LastTimeStepVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
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
import net.dl4jnets.common.train.Monitor;
import net.dl4jnets.common.train.TrainingConfig;

/**
 * Week 4: a recurrent network reads each Fashion-MNIST image as a sequence, one row of 28 pixels per step, carrying a
 * state from row to row, and classifies from what it holds after the last row. A plain RNN must squeeze 28 steps of
 * history through one tanh; an LSTM's gates decide what to keep, which is why it reads long sequences better.
 */
public final class RowSequenceClassifier {
    private RowSequenceClassifier() {}

    /** The recurrent cell. */
    public enum Arch {
        SIMPLE("plain tanh RNN reading the 28 rows, last step"),
        LSTM("LSTM reading the 28 rows, last step"),
        BILSTM("bidirectional LSTM, strongest response over the rows");

        final String summary;

        Arch(String summary) {
            this.summary = summary;
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        @Override
        public String toString() {
            return id();
        }
    }

    /**
     * @param hidden       units of each recurrent layer (per direction for bilstm)
     * @param layers       recurrent layers stacked, each reading the sequence of the one below
     * @param dropout      probability of dropping each unit of a recurrent layer's output on its way into the next
     * @param head         units of a ReLU layer between the recurrent summary and the classifier, with 20% dropout
     *                     into the classifier; 0 = the classifier reads the summary directly
     * @param augmentation of training images before they are read as rows (a flip reverses every row)
     */
    public record Config(
            @Param(value = "simple, lstm or bilstm", label = "ARCH") Arch arch,
            @Param(value = "Recurrent units", label = "N") int hidden,
            @Param(value = "Recurrent layers stacked", label = "N") int layers,
            @Param(value = "Dropout between stacked recurrent layers", label = "P") double dropout,
            @Param(value = "Units of a ReLU layer before the classifier; 0 = none", label = "N") int head,
            Augmentation augmentation) {
        // Two stacked LSTMs with flips and 1 px shifts, 30 epochs: lowest validation loss 0.230 (92.1%) against
        // 0.248 (90.8%) for one LSTM with or without them and 0.233 for three after 18 epochs; the bidirectional
        // LSTM reached 0.224 (91.8%) but ended one run of four inside ND4J. An 8x8 cutout as well (seed 42): 0.209
        // at epoch 27 and 92.2% at 26, against 0.239 and 91.7% at best without it; dropout between the LSTMs gained
        // nothing (BENCHMARKS.md, "Accuracy recipes").
        public static final Config DEFAULT = new Config(Arch.LSTM, 128, 2, 0, 128, new Augmentation(true, 1, 8));
        // It keeps the epoch of highest validation accuracy: its loss is lowest near epoch 20 and then creeps up as it
        // grows confident, while accuracy still climbs. Seeds 42-44: 91.42, 91.40, 91.40% at the epochs of lowest loss
        // (18, 23, 22), 92.00, 91.86, 91.52% at the last (BENCHMARKS.md, "Accuracy recipes").
        public static final TrainingConfig TRAINING = TrainingConfig.DEFAULTS.withEpochs(30).withBatchSize(128)
                .withLr(2e-3).withLrSchedule(LrSchedule.COSINE).withClipNorm(1.0).withMonitor(Monitor.VAL_ACCURACY);

        public Config {
            if (hidden < 1) {
                throw new UserError("--hidden must be positive, got " + hidden + ".");
            }
            if (layers < 1 || layers > 4) {
                throw new UserError("--layers must be between 1 and 4, got " + layers + ".");
            }
            if (dropout < 0 || dropout >= 1) {
                throw new UserError("--dropout must be in [0, 1), got " + dropout + ".");
            }
            if (head < 0) {
                throw new UserError("--head must be 0 (none) or positive, got " + head + ".");
            }
        }

        public Config withArch(Arch a) {
            return new Config(a, hidden, layers, dropout, head, augmentation);
        }
    }

    /** {@code nets rnn}. */
    public static final Model.Images<Config> MODEL = new Model.Images<>("rnn",
            "Classify Fashion-MNIST by reading each image row by row with a simple RNN, an LSTM or a BiLSTM.",
            Config.DEFAULT, Config.TRAINING, RowSequenceClassifier::spec);

    /** The command, every {@link Arch} for {@code compare}, the LSTM without its head for the speed benchmark. */
    public static final class Architectures implements ArchitectureProvider {
        @Override
        public List<Model<?>> models() {
            return List.of(MODEL);
        }

        @Override
        public List<Architecture> architectures() {
            return Arrays.stream(Arch.values()).map(a -> new Architecture("rnn-" + a.id(), 4, a.summary,
                    Config.TRAINING, t -> spec(Config.DEFAULT.withArch(a), t))).toList();
        }

        @Override
        public List<Benchmark> benchmarks() {
            Config plain = new Config(Arch.LSTM, 128, 1, 0, 0, Augmentation.NONE); // no head, as the PyTorch peer
            return List.of(new Benchmark("lstm", 4, "128-unit LSTM over the 28 rows", Backend.Workload.RECURRENT, 128,
                    Layout.SEQUENCE, null, (seed, input) -> graph(plain, TrainingConfig.DEFAULTS.withSeed(seed), input)));
        }
    }

    /** The network; the training settings give its seed and learning rate. */
    public static ComputationGraphConfiguration graph(Config c, TrainingConfig t) {
        return graph(c, t, Layout.SEQUENCE.inputType());
    }

    /** The graph for any [batch, features, steps] input (gradient checks use a small one). */
    public static ComputationGraphConfiguration graph(Config c, TrainingConfig t, InputType input) {
        var g = new NeuralNetConfiguration.Builder()
                .seed(t.seed())
                .updater(new Adam(t.learningRate()))
                .weightInit(WeightInit.XAVIER)
                .graphBuilder()
                .addInputs("rows")
                .setInputTypes(input);
        String below = "rows";
        for (int i = 1; i <= c.layers(); i++) {
            String name = c.layers() == 1 ? "rnn" : "rnn" + i;
            var cell = c.arch() == Arch.SIMPLE ? new SimpleRnn.Builder() : new LSTM.Builder();
            cell.nOut(c.hidden()).activation(Activation.TANH);
            if (i > 1 && c.dropout() > 0) {
                cell.dropOut(1 - c.dropout()); // on the layer below's output; DL4J takes the keep probability
            }
            g.addLayer(name, c.arch() == Arch.BILSTM
                    ? new Bidirectional(Bidirectional.Mode.CONCAT, (LSTM) cell.build()) : cell.build(), below);
            below = name;
        }
        String summary;
        if (c.arch() == Arch.BILSTM) {
            // The backward direction's last step has read only the bottom row, so instead of the last step the
            // classifier sees, per unit, the strongest response over all rows from both directions.
            g.addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.MAX).build(), below);
            summary = "pool";
        } else {
            g.addVertex("last", new LastTimeStepVertex("rows"), below);
            summary = "last";
        }
        var classes = new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nOut(FashionMnist.CLASSES).activation(Activation.SOFTMAX);
        if (c.head() > 0) {
            // A non-linear read-out of the final state; the state itself has to serve the next step as well.
            g.addLayer("head", new DenseLayer.Builder().nOut(c.head()).activation(Activation.RELU)
                    .weightInit(WeightInit.RELU).build(), summary);
            summary = "head";
            classes.dropOut(0.8); // DL4J's dropOut is the probability of keeping a unit
        }
        return g.addLayer("classes", classes.build(), summary)
                .setOutputs("classes")
                .build();
    }

    public static FashionTraining.Spec spec(Config c, TrainingConfig t) {
        return new FashionTraining.Spec("rnn", "rnn-" + c.arch().id(), Layout.SEQUENCE, Backend.Workload.RECURRENT, c,
                graph(c, t), true, c.augmentation());
    }
}
