package net.dl4jnets.common.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.IntFunction;

import org.deeplearning4j.nn.api.layers.RecurrentLayer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;

import net.dl4jnets.common.backend.Backend;
import net.dl4jnets.common.data.CharBatches;
import net.dl4jnets.common.data.TextCorpus;
import net.dl4jnets.common.eval.Evaluator;
import net.dl4jnets.common.io.AtomicFiles;
import net.dl4jnets.common.io.Json;
import net.dl4jnets.common.io.UserError;
import net.dl4jnets.common.report.Charts;

/**
 * Trains a character-level language model end to end, the same way for every model: backend, corpus, vocabulary,
 * train/validation split, batches, run folder, training loop, curves in bits per character, and samples at a few
 * temperatures after every epoch. A model brings only its {@link Spec}.
 */
public final class TextTraining {
    static final double[] SAMPLE_TEMPERATURES = {0.5, 0.8, 1.0};

    private TextTraining() {}

    /**
     * What a model brings.
     *
     * @param sequenceLength  characters per training sequence
     * @param hyperParameters the model's record for a vocabulary of that size, written to config.json
     * @param graph           the network for a vocabulary size and the training settings
     * @param sampleLength    characters of each sample written after every epoch
     * @param anyStart        training sequences start anywhere in the text ({@link CharBatches#anyStart}) rather than
     *                        on a grid that moves each epoch
     */
    public record Spec(String model, Backend.Workload workload, int sequenceLength, IntFunction<Record> hyperParameters,
                       BiFunction<Integer, TrainingConfig, ComputationGraphConfiguration> graph,
                       TextSampler.Writer sampler, int sampleLength, boolean anyStart) {}

    /**
     * What a run produced; {@code initialLoss} is NaN for a resumed run, {@code testLoss} (nats per character of the
     * held-out test part, of the best epoch's model) for an interrupted one.
     */
    public record Outcome(Path run, RunConfig config, double initialLoss, List<EpochRecord> history,
                          Trainer.Outcome outcome, double testLoss) {
        public double bestValidationLoss() {
            return history.stream().mapToDouble(EpochRecord::valLoss).min().orElse(Double.NaN);
        }
    }

    /**
     * Trains on the corpus (null: tiny Shakespeare, downloaded and verified on first use); with
     * {@link TrainingConfig#noTest()} the held-out test part is never read (choosing a recipe on validation).
     */
    public static Outcome run(Path corpus, Spec spec, TrainingConfig t, StopSignal stop) {
        t.validate();
        if (spec.sampleLength() < 1) {
            throw new UserError("--sample-length must be positive, got " + spec.sampleLength() + ".");
        }
        Backend.BackendInfo backend = Backend.start(t.threads(), spec.workload(), t.parallel().workers());
        t = t.resolvedBy(backend);
        Path file = corpus != null ? corpus : TextCorpus.shakespeare();
        TextCorpus text = TextCorpus.load(file, spec.sequenceLength() + 1);
        if (text.droppedFromValidation() > 0) {
            System.out.printf("Warning: %,d validation and test characters never occur in the training text and are "
                    + "left out.%n", text.droppedFromValidation());
        }
        TextCorpus.Vocabulary vocab = text.vocabulary();
        int v = vocab.size();
        Trainer.Task task = Trainer.Task.languageModel(v).check(t.monitor()); // before a run folder is made
        int[] trainText = t.limit() > 0 ? Arrays.copyOf(text.train(), Math.min(t.limit(), text.train().length))
                : text.train();
        TrainingRuns.Started started = TrainingRuns.start(t, spec.graph().apply(v, t), new TrainingRuns.Description(
                spec.model(), spec.model(), spec.hyperParameters().apply(v), RunConfig.DataRecord.text(
                file.toAbsolutePath().toString(), v, trainText.length, text.validation().length, text.test().length)),
                backend);
        RunFolder run = started.run();
        ComputationGraph graph = started.graph();
        vocab.save(run.file("vocabulary.json"));

        CharBatches batches = spec.anyStart()
                ? CharBatches.anyStart(trainText, v, spec.sequenceLength(), t.batchSize(), t.seed())
                : new CharBatches(trainText, v, spec.sequenceLength(), t.batchSize(), true, t.seed());
        boolean recurrent = isRecurrent(graph);
        CharBatches validation = heldOut(text.validation(), v, spec.sequenceLength(), t.batchSize(), recurrent);
        System.out.printf(Locale.ROOT, "%s: %,d parameters; vocabulary %d; %,d training and %,d validation characters; "
                + "run folder %s%n", spec.model(), graph.numParams(), v, trainText.length, text.validation().length,
                run.dir());
        double initial = Double.NaN;
        if (!started.resumed()) {
            initial = Evaluator.evaluate(graph, validation, 0).loss();
            System.out.printf(Locale.ROOT, "Untrained: validation loss %.3f nats/char; guessing uniformly costs ln(%d) = %.3f.%n",
                    initial, v, Math.log(v));
        }
        Trainer trainer = new Trainer(t, task, stop)
                .listen(LoopListener.afterEachEpoch(loop -> {
                    drawCurves(loop.run().file("loss.png"), spec.model(), loop.history());
                    writeSamples(loop.run().file("samples.txt"), spec, graph, vocab, loop.history().size());
                }));
        Trainer.Result result = trainer.fit(graph, new Trainer.Data(batches, null, validation), run);
        for (EpochRecord e : result.history()) {
            System.out.printf(Locale.ROOT, "epoch %d: validation %.4f nats/char = %.4f bits/char%n", e.epoch(),
                    e.valLoss(), e.valLoss() / Math.log(2));
        }
        double test = Double.NaN;
        if (result.outcome() != Trainer.Outcome.INTERRUPTED) {
            if (!t.noTest()) {
                test = testOnce(run, result, text.test(), v, spec.sequenceLength(), t.batchSize(), recurrent);
            } else {
                System.out.printf(Locale.ROOT, "Best epoch: %d (%s); the test part is not read (--no-test).%n",
                        result.bestEpoch(), t.monitor().description());
            }
        }
        System.out.println("Samples: " + run.file("samples.txt") + System.lineSeparator()
                + "Generate more: nets generate --model " + run.dir() + " --prompt \"ROMEO:\"");
        return new Outcome(run.dir(), started.config(), initial, result.history(), result.outcome(), test);
    }

    /**
     * How a held-out part is read. A recurrent model reads it as streams and predicts each character from all the
     * text before it in its stream, as it does when it writes; in windows of one training sequence from a fresh state
     * it pays for the first characters of every window (a 2x256 LSTM after 9 epochs: 2.55 nats for a window's
     * first character against 1.36 from its tenth on: 1.440 over the validation part in windows of 100, 1.406 read as
     * streams; 2026-12-04). A transformer's context is its window, so it reads sliding windows, each scoring its last
     * half: every character is predicted after at least half a context of text before it, as when it writes.
     */
    static CharBatches heldOut(int[] text, int vocabulary, int steps, int batch, boolean recurrent) {
        return recurrent ? CharBatches.streams(text, vocabulary, steps, batch)
                : CharBatches.sliding(text, vocabulary, steps, batch, halfContext(steps));
    }

    /** The sliding windows' stride: half the window, at least one character. */
    static int halfContext(int steps) {
        return Math.max(1, steps / 2);
    }

    /** The reading before 2026-12-04: adjacent windows, each from a fresh state or an empty context. */
    static CharBatches freshWindows(int[] text, int vocabulary, int steps, int batch) {
        return new CharBatches(text, vocabulary, steps, batch, false, 0);
    }

    static boolean isRecurrent(ComputationGraph graph) {
        return Arrays.stream(graph.getLayers()).anyMatch(l -> l instanceof RecurrentLayer);
    }

    /**
     * The best epoch's model on the held-out test part, the one figure to quote (validation picked the epoch, so its
     * loss flatters); written to eval.json. A recurrent model's figure is that of the streams, a transformer's that of
     * sliding windows; the figure in adjacent windows from a fresh state, as both were measured before 2026-12-04, is
     * written beside it.
     */
    static double testOnce(RunFolder run, Trainer.Result result, int[] test, int vocabulary, int steps, int batch,
                           boolean recurrent) {
        ComputationGraph best = Checkpoints.loadModel(run.bestModel());
        double loss = Evaluator.evaluate(best, heldOut(test, vocabulary, steps, batch, recurrent), 0).loss();
        double windows = Evaluator.evaluate(best, freshWindows(test, vocabulary, steps, batch), 0).loss();
        System.out.printf(Locale.ROOT, "Best epoch: %d (lowest validation loss). Test (held out, %,d characters): "
                + "%.4f nats/char = %.4f bits/char%n", result.bestEpoch(), test.length, loss, loss / Math.log(2));
        if (recurrent) {
            System.out.printf(Locale.ROOT, "  each character read after all the text before it; %.4f nats/char with "
                    + "the state reset every %d characters%n", windows, steps);
        } else {
            System.out.printf(Locale.ROOT, "  each character read after at least %d before it; %.4f nats/char in "
                    + "adjacent windows of %d%n", steps - halfContext(steps), windows, steps);
        }
        Map<String, Object> eval = new LinkedHashMap<>();
        eval.put("best_epoch", result.bestEpoch());
        eval.put("validation_loss", result.best() == null ? Double.NaN : result.best().valLoss());
        eval.put("test_loss", loss);
        eval.put("test_bits_per_char", loss / Math.log(2));
        eval.put("test_loss_fresh_windows", windows);
        eval.put("test_reading", recurrent ? "streams" : "sliding windows, stride " + halfContext(steps));
        eval.put("test_characters", test.length);
        Json.write(eval, run.file("eval.json"));
        return loss;
    }

    static void drawCurves(Path png, String model, List<EpochRecord> history) {
        double[] x = history.stream().mapToDouble(EpochRecord::epoch).toArray();
        double[] train = history.stream().mapToDouble(e -> e.trainLoss() / Math.log(2)).toArray();
        double[] val = history.stream().mapToDouble(e -> e.valLoss() / Math.log(2)).toArray();
        Charts.lines(png, model + ": loss per epoch", "epoch", "bits per character (nats / ln 2)",
                List.of(new Charts.Series("train (mean over the epoch)", x, train), new Charts.Series("validation", x, val)),
                false);
    }

    /** Appends samples at a fixed seed and a few temperatures, so epochs can be compared. */
    static void writeSamples(Path file, Spec spec, ComputationGraph graph, TextCorpus.Vocabulary vocab, int epoch) {
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
            sb.append(spec.sampler().sample(graph, vocab, prompt, spec.sampleLength(), temperature, 0, 1, null))
                    .append("\n\n");
        }
        AtomicFiles.writeText(sb.toString(), file);
    }
}
