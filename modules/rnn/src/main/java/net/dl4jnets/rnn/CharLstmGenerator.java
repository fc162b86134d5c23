package net.dl4jnets.rnn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import net.dl4jnets.common.backend.Backend;
import net.dl4jnets.common.cli.Cli;
import net.dl4jnets.common.cli.ModelCommand;
import net.dl4jnets.common.data.CharBatches;
import net.dl4jnets.common.data.TextCorpus;
import net.dl4jnets.common.eval.Evaluator;
import net.dl4jnets.common.io.AtomicFiles;
import net.dl4jnets.common.io.UserError;
import net.dl4jnets.common.report.Charts;
import net.dl4jnets.common.train.Architecture;
import net.dl4jnets.common.train.ArchitectureProvider;
import net.dl4jnets.common.train.Benchmark;
import net.dl4jnets.common.train.EpochRecord;
import net.dl4jnets.common.train.LrSchedule;
import net.dl4jnets.common.train.RunConfig;
import net.dl4jnets.common.train.StopSignal;
import net.dl4jnets.common.train.Trainer;
import net.dl4jnets.common.train.TrainingConfig;
import net.dl4jnets.common.train.TrainingRuns;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Week 4: a character-level language model, the small ancestor of GPT. A stack of LSTMs reads text one character at
 * a time and, at every step, predicts the next one as a softmax over the vocabulary. Trained with truncated
 * backpropagation through time; sampled from one character at a time ({@link TextGenerator}).
 */
public final class CharLstmGenerator {
    public static final String MODEL = "char-lstm";
    static final double[] SAMPLE_TEMPERATURES = {0.5, 0.8, 1.0};

    private CharLstmGenerator() {}

    /**
     * @param vocabulary distinct characters of the corpus (set from the corpus, not from the command line)
     * @param seqLength  characters per training sequence
     * @param tbptt      steps between weight updates (truncated backpropagation through time)
     * @param dropout    between LSTM layers
     */
    public record Config(int vocabulary, int hidden, int layers, int seqLength, int tbptt, double dropout) {
        public static final Config DEFAULT = new Config(0, 256, 2, 100, 50, 0.2);
        // Dropout 0.2 and a rate of 3e-3 gained 0.05 nats/char at every epoch of a 45-minute run (BENCHMARKS.md).
        public static final TrainingConfig TRAINING = TrainingConfig.DEFAULTS.withEpochs(10).withBatchSize(32)
                .withLr(3e-3).withLrSchedule(LrSchedule.COSINE).withClipNorm(1.0);

        public Config {
            if (hidden < 1 || layers < 1 || layers > 4) {
                throw new UserError("--hidden must be positive and --layers between 1 and 4.");
            }
            if (seqLength < 2 || tbptt < 1 || tbptt > seqLength) {
                throw new UserError("--seq-length must be at least 2 and --tbptt between 1 and --seq-length.");
            }
            if (dropout < 0 || dropout >= 1) {
                throw new UserError("--dropout must be in [0, 1), got " + dropout + ".");
            }
        }

        public Config withVocabulary(int v) {
            return new Config(v, hidden, layers, seqLength, tbptt, dropout);
        }
    }

    /** The speed benchmark's character model: 2×256 over a 65-character vocabulary, no dropout (as its peer). */
    public static final class Benchmarks implements ArchitectureProvider {
        static final int VOCABULARY = 65;

        @Override
        public List<Architecture> architectures() {
            return List.of();
        }

        @Override
        public List<Benchmark> benchmarks() {
            Config c = new Config(VOCABULARY, 256, 2, 100, 50, 0);
            return List.of(new Benchmark("char-lstm", "2x256 character LSTM, truncated BPTT 50",
                    Backend.Workload.LANGUAGE_MODEL, 32, null, new Benchmark.TextShape(VOCABULARY, c.seqLength()),
                    (seed, input) -> graph(c, TrainingConfig.DEFAULTS.withSeed(seed).withLr(2e-3))));
        }
    }

    /** The network; the training settings give its seed and learning rate. */
    public static ComputationGraphConfiguration graph(Config c, TrainingConfig t) {
        var g = new NeuralNetConfiguration.Builder()
                .seed(t.seed())
                .updater(new Adam(t.lr()))
                .weightInit(WeightInit.XAVIER)
                .graphBuilder()
                .addInputs("chars")
                .setInputTypes(InputType.recurrent(c.vocabulary()));
        String last = "chars";
        for (int i = 1; i <= c.layers(); i++) {
            var lstm = new LSTM.Builder().nOut(c.hidden()).activation(Activation.TANH);
            if (i > 1 && c.dropout() > 0) {
                lstm.dropOut(1 - c.dropout()); // on the previous layer's output; DL4J takes the keep probability
            }
            g.addLayer("lstm" + i, lstm.build(), last);
            last = "lstm" + i;
        }
        return g.addLayer("next", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(c.vocabulary()).activation(Activation.SOFTMAX).build(), last)
                .setOutputs("next")
                .backpropType(BackpropType.TruncatedBPTT)
                .tBPTTForwardLength(c.tbptt())
                .tBPTTBackwardLength(c.tbptt())
                .build();
    }

    /** What a run produced. */
    public record Outcome(Path run, double initialLoss, List<EpochRecord> history, Trainer.Outcome outcome) {
        public double bestValidationLoss() {
            return history.stream().mapToDouble(EpochRecord::valLoss).min().orElse(Double.NaN);
        }
    }

    /** Trains on the corpus (null: tiny Shakespeare), writing samples after every epoch. */
    public static Outcome train(Path corpus, Config model, TrainingConfig t, int sampleLength, StopSignal stop) {
        Backend.BackendInfo backend = Backend.start(t.threads(), Backend.Workload.LANGUAGE_MODEL);
        Path file = corpus != null ? corpus : TextCorpus.shakespeare();
        TextCorpus text = TextCorpus.load(file, model.seqLength() + 1);
        if (text.droppedFromValidation() > 0) {
            System.out.printf("Warning: %,d validation characters never occur in the training text and are left out.%n",
                    text.droppedFromValidation());
        }
        var vocab = text.vocabulary();
        Config c = model.withVocabulary(vocab.size());
        int[] trainText = t.limit() > 0 ? Arrays.copyOf(text.train(), Math.min(t.limit(), text.train().length))
                : text.train();
        TrainingRuns.Started started = TrainingRuns.start(t, graph(c, t), new TrainingRuns.Description(MODEL, MODEL,
                c, RunConfig.DataRecord.text(file.toAbsolutePath().toString(), vocab.size(), trainText.length,
                text.validation().length)), backend);
        var run = started.run();
        ComputationGraph graph = started.graph();
        vocab.save(run.file("vocabulary.json"));

        CharBatches batches = new CharBatches(trainText, vocab.size(), c.seqLength(), t.batchSize(), true, t.seed());
        CharBatches validation = new CharBatches(text.validation(), vocab.size(), c.seqLength(), t.batchSize(), false, 0);
        System.out.printf(Locale.ROOT, "%s: %,d parameters; vocabulary %d; %,d training and %,d validation characters; "
                        + "run folder %s%n", MODEL, graph.numParams(), vocab.size(), trainText.length,
                text.validation().length, run.dir());
        double initial = Double.NaN;
        if (!started.resumed()) {
            initial = Evaluator.evaluate(graph, validation, 0).loss();
            System.out.printf(Locale.ROOT, "Untrained: validation loss %.3f nats/char; guessing uniformly costs ln(%d) = %.3f.%n",
                    initial, vocab.size(), Math.log(vocab.size()));
        }
        Trainer trainer = new Trainer(t, Trainer.Task.languageModel(vocab.size()), stop)
                .listen(Trainer.Listener.afterEachEpoch(loop -> {
                    drawCurves(loop.run().file("loss.png"), loop.history());
                    writeSamples(loop.run().file("samples.txt"), graph, vocab, loop.history().size(), sampleLength);
                }));
        Trainer.Result result = trainer.fit(graph, new Trainer.Data(batches, null, validation), run);
        for (EpochRecord e : result.history()) {
            System.out.printf(Locale.ROOT, "epoch %d: validation %.4f nats/char = %.4f bits/char%n", e.epoch(),
                    e.valLoss(), e.valLoss() / Math.log(2));
        }
        System.out.println("Samples: " + run.file("samples.txt") + System.lineSeparator()
                + "Generate more: nets generate --model " + run.dir() + " --prompt \"ROMEO:\"");
        return new Outcome(run.dir(), initial, result.history(), result.outcome());
    }

    static void drawCurves(Path png, List<EpochRecord> history) {
        double[] x = history.stream().mapToDouble(EpochRecord::epoch).toArray();
        double[] train = history.stream().mapToDouble(e -> e.trainLoss() / Math.log(2)).toArray();
        double[] val = history.stream().mapToDouble(e -> e.valLoss() / Math.log(2)).toArray();
        Charts.lines(png, "char-LSTM: loss per epoch", "epoch", "bits per character (nats / ln 2)",
                List.of(new Charts.Series("train (mean over the epoch)", x, train), new Charts.Series("validation", x, val)),
                false);
    }

    /** Appends samples at a fixed seed and a few temperatures, so epochs can be compared. */
    static void writeSamples(Path file, ComputationGraph graph, TextCorpus.Vocabulary vocab, int epoch, int length) {
        StringBuilder sb = new StringBuilder();
        try {
            if (Files.exists(file)) {
                sb.append(Files.readString(file));
            }
        } catch (IOException e) {
            throw new UserError(file + " could not be read: " + e.getMessage());
        }
        String prompt = vocab.unknown("\n").isEmpty() ? "\n" : String.valueOf(vocab.charAt(0));
        for (double temperature : SAMPLE_TEMPERATURES) {
            sb.append(String.format(Locale.ROOT, "=== epoch %d, temperature %.1f, seed 1 ===%n", epoch, temperature));
            sb.append(TextGenerator.generate(graph, vocab, prompt, length, temperature, 0, 1, null)).append("\n\n");
        }
        AtomicFiles.writeText(sb.toString(), file);
    }

    /** {@code nets char-lstm}. */
    @CommandLine.Command(name = "char-lstm", mixinStandardHelpOptions = true,
            description = "Train a character-level LSTM language model on a text (default: tiny Shakespeare).")
    public static final class Command extends ModelCommand {
        @Option(names = "--corpus", paramLabel = "FILE",
                description = "A UTF-8 text file (default: tiny Shakespeare, downloaded and verified into data/).")
        Path corpus;

        @Option(names = "--hidden", paramLabel = "N", description = "LSTM units per layer (default: ${DEFAULT-VALUE}).")
        int hidden = Config.DEFAULT.hidden();

        @Option(names = "--layers", paramLabel = "N", description = "Stacked LSTM layers (default: ${DEFAULT-VALUE}).")
        int layers = Config.DEFAULT.layers();

        @Option(names = "--seq-length", paramLabel = "N", description = "Characters per training sequence (default: ${DEFAULT-VALUE}).")
        int seqLength = Config.DEFAULT.seqLength();

        @Option(names = "--tbptt", paramLabel = "N", description = "Truncated BPTT length, in steps (default: ${DEFAULT-VALUE}).")
        int tbptt = Config.DEFAULT.tbptt();

        @Option(names = "--dropout", paramLabel = "P", description = "Dropout between LSTM layers (default: ${DEFAULT-VALUE}).")
        double dropout = Config.DEFAULT.dropout();

        @Option(names = "--sample-length", paramLabel = "N",
                description = "Characters of each sample written after every epoch (default: ${DEFAULT-VALUE}).")
        int sampleLength = 300;

        public Command() {
            super(Config.TRAINING);
        }

        /** Trains as the command line asks; for tests that want the whole outcome. */
        Outcome train(StopSignal stop) {
            return CharLstmGenerator.train(corpus, new Config(0, hidden, layers, seqLength, tbptt, dropout),
                    train.toConfig().validate(), sampleLength, stop);
        }

        @Override
        protected Trainer.Outcome train(TrainingConfig t, StopSignal stop) {
            if (sampleLength < 1) {
                throw new UserError("--sample-length must be positive, got " + sampleLength + ".");
            }
            return CharLstmGenerator.train(corpus, new Config(0, hidden, layers, seqLength, tbptt, dropout), t,
                    sampleLength, stop).outcome();
        }

        public static void main(String[] args) {
            Cli.main(new Command(), args);
        }
    }
}
