package net.dl4jnets.rnn;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
import net.dl4jnets.common.cli.ModelDefaults;
import net.dl4jnets.common.cli.NetsCommand;
import net.dl4jnets.common.cli.TrainOptions;
import net.dl4jnets.common.cli.UserError;
import net.dl4jnets.common.data.CharBatches;
import net.dl4jnets.common.data.TextCorpus;
import net.dl4jnets.common.eval.Evaluator;
import net.dl4jnets.common.report.Charts;
import net.dl4jnets.common.train.Checkpoints;
import net.dl4jnets.common.train.EpochRecord;
import net.dl4jnets.common.train.Trainer;
import net.dl4jnets.common.train.TrainingRuns;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Week 4: a character-level language model, the small ancestor of GPT. A stack of LSTMs reads text one character at
 * a time and, at every step, predicts the next one as a softmax over the vocabulary. Trained with truncated
 * backpropagation through time; sampled from one character at a time ({@link TextGenerator}).
 */
@Command(name = "char-lstm", mixinStandardHelpOptions = true, defaultValueProvider = CharLstmGenerator.Defaults.class,
        description = "Train a character-level LSTM language model on a text (default: tiny Shakespeare).")
public final class CharLstmGenerator implements NetsCommand {
    public static final String MODEL = "char-lstm";
    static final double[] SAMPLE_TEMPERATURES = {0.5, 0.8, 1.0};

    /**
     * @param seqLength characters per training sequence
     * @param tbptt     steps between weight updates (truncated backpropagation through time)
     */
    public record Config(int vocabulary, int hidden, int layers, int seqLength, int tbptt, double dropout, long seed,
                         double lr) {}

    public static final class Defaults extends ModelDefaults {
        @Override
        protected Map<String, Object> defaults() {
            // Dropout 0.2 and a rate of 3e-3 gained 0.05 nats/char at every epoch of a 45-minute run (BENCHMARKS.md).
            return Map.of("--epochs", 10, "--batch-size", 32, "--lr", 3e-3, "--lr-schedule", "cosine",
                    "--clip-norm", 1.0, "--hidden", 256, "--layers", 2, "--seq-length", 100, "--tbptt", 50,
                    "--dropout", 0.2);
        }
    }

    @Mixin
    TrainOptions train = new TrainOptions();

    @Option(names = "--corpus", paramLabel = "FILE",
            description = "A UTF-8 text file (default: tiny Shakespeare, downloaded and verified into data/).")
    Path corpus;

    @Option(names = "--hidden", paramLabel = "N", description = "LSTM units per layer (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--layers", paramLabel = "N", description = "Stacked LSTM layers (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--seq-length", paramLabel = "N", description = "Characters per training sequence (default: ${DEFAULT-VALUE}).")
    int seqLength;

    @Option(names = "--tbptt", paramLabel = "N", description = "Truncated BPTT length, in steps (default: ${DEFAULT-VALUE}).")
    int tbptt;

    @Option(names = "--dropout", paramLabel = "P", description = "Dropout between LSTM layers (default: ${DEFAULT-VALUE}).")
    double dropout;

    @Option(names = "--sample-length", paramLabel = "N", defaultValue = "300",
            description = "Characters of each sample written after every epoch (default: ${DEFAULT-VALUE}).")
    int sampleLength;

    public static ComputationGraphConfiguration graph(Config c) {
        var g = new NeuralNetConfiguration.Builder()
                .seed(c.seed())
                .updater(new Adam(c.lr()))
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

    public Outcome train() {
        train.common.applyLogging();
        train.validate();
        if (hidden < 1 || layers < 1 || layers > 4) {
            throw new UserError("--hidden must be positive and --layers between 1 and 4.");
        }
        if (seqLength < 2 || tbptt < 1 || tbptt > seqLength) {
            throw new UserError("--seq-length must be at least 2 and --tbptt between 1 and --seq-length.");
        }
        if (dropout < 0 || dropout >= 1) {
            throw new UserError("--dropout must be in [0, 1), got " + dropout + ".");
        }
        Backend.BackendInfo backend = Backend.start(train.common.threads, Backend.Workload.LANGUAGE_MODEL);
        Path file = corpus != null ? corpus : TextCorpus.shakespeare();
        TextCorpus text = TextCorpus.load(file, seqLength + 1);
        if (text.droppedFromValidation() > 0) {
            System.out.printf("Warning: %,d validation characters never occur in the training text and are left out.%n",
                    text.droppedFromValidation());
        }
        var vocab = text.vocabulary();
        Config c = new Config(vocab.size(), hidden, layers, seqLength, tbptt, dropout, train.seed, train.lr);
        TrainingRuns.Started started = TrainingRuns.start(train, MODEL, graph(c), () -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("backend", backend.line());
            m.put("corpus", file.toAbsolutePath().toString());
            m.put("corpus_characters", text.train().length + text.validation().length);
            m.put("vocabulary", vocab.size());
            m.put("hyper_parameters", c);
            m.put("training", TrainingRuns.training(train, backend));
            return m;
        });
        var run = started.run();
        ComputationGraph graph = started.graph();
        vocab.save(run.file("vocabulary.json"));

        int[] trainText = train.limit > 0 ? java.util.Arrays.copyOf(text.train(), Math.min(train.limit, text.train().length))
                : text.train();
        CharBatches batches = new CharBatches(trainText, vocab.size(), seqLength, train.batchSize, true, train.seed);
        CharBatches validation = new CharBatches(text.validation(), vocab.size(), seqLength, train.batchSize, false, 0);
        System.out.printf(Locale.ROOT, "%s: %,d parameters; vocabulary %d; %,d training and %,d validation characters; "
                        + "run folder %s%n", MODEL, graph.numParams(), vocab.size(), trainText.length,
                text.validation().length, run.dir());
        double initial = Double.NaN;
        if (!started.resumed()) {
            initial = Evaluator.evaluate(graph, validation, 0).loss();
            System.out.printf(Locale.ROOT, "Untrained: validation loss %.3f nats/char; guessing uniformly costs ln(%d) = %.3f.%n",
                    initial, vocab.size(), Math.log(vocab.size()));
        }
        Trainer trainer = new Trainer(Trainer.Settings.from(train, Trainer.Monitor.VAL_LOSS, 0,
                Trainer.Settings.divergenceLimit(vocab.size())))
                .onEpoch((r, history) -> {
                    drawCurves(r.file("loss.png"), history);
                    writeSamples(r.file("samples.txt"), graph, vocab, history.get(history.size() - 1).epoch());
                });
        Trainer.Result result = TrainingRuns.fit(trainer, train, graph, new Trainer.Data(batches, null, validation), run);
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
    void writeSamples(Path file, ComputationGraph graph, TextCorpus.Vocabulary vocab, int epoch) {
        StringBuilder sb = new StringBuilder();
        try {
            if (java.nio.file.Files.exists(file)) {
                sb.append(java.nio.file.Files.readString(file));
            }
        } catch (java.io.IOException e) {
            throw new UserError(file + " could not be read: " + e.getMessage());
        }
        String prompt = vocab.unknown("\n").isEmpty() ? "\n" : String.valueOf(vocab.charAt(0));
        for (double t : SAMPLE_TEMPERATURES) {
            sb.append(String.format(Locale.ROOT, "=== epoch %d, temperature %.1f, seed 1 ===%n", epoch, t));
            sb.append(TextGenerator.generate(graph, vocab, prompt, sampleLength, t, 0, 1, null)).append("\n\n");
        }
        Checkpoints.saveText(sb.toString(), file);
    }

    @Override
    public Integer call() {
        return train().outcome() == Trainer.Outcome.INTERRUPTED ? Cli.INTERRUPTED : 0;
    }

    public static void main(String[] args) {
        Cli.main(new CharLstmGenerator(), args);
    }
}
