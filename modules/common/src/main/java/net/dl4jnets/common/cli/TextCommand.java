package net.dl4jnets.common.cli;

import java.nio.file.Path;

import net.dl4jnets.common.io.UserError;
import net.dl4jnets.common.train.Model;
import net.dl4jnets.common.train.RunConfig;
import net.dl4jnets.common.train.StopSignal;
import net.dl4jnets.common.train.TextTraining;
import net.dl4jnets.common.train.Trainer;
import net.dl4jnets.common.train.TrainingConfig;
import picocli.CommandLine.Option;

/**
 * The command that trains a character-level language model through the shared text run: the corpus and the samples
 * are shared; the model says what to train.
 *
 * @param <C> the model's hyper-parameter record
 */
public final class TextCommand<C extends Record> extends ModelCommand<C> {
    @Option(names = "--corpus", paramLabel = "FILE",
            description = "A UTF-8 text file (default: tiny Shakespeare, downloaded and verified into data/).")
    protected Path corpus;

    @Option(names = "--sample-length", paramLabel = "N",
            description = "Characters of each sample written after every epoch (default: ${DEFAULT-VALUE}).")
    protected int sampleLength = 300;

    private final Model.Text<C> text;

    TextCommand(Model.Text<C> model, C start, TrainingConfig training) {
        super(model, start, training);
        this.text = model;
    }

    /** The command of {@code model}, its options at the model's defaults. */
    public static <C extends Record> TextCommand<C> of(Model.Text<C> model) {
        return new TextCommand<>(model, model.defaults(), model.training());
    }

    /** A resumed run reads the corpus it was trained on; another one is refused. */
    @Override
    protected void resumeData(RunConfig recorded, ModelCommand<C> asked) {
        Path was = Path.of(recorded.data().source());
        Path given = ((TextCommand<C>) asked).corpus;
        if (given != null && !given.toAbsolutePath().equals(was)) {
            throw new UserError("--resume: --corpus " + given + " differs from the run's corpus " + was
                    + "; a resumed run keeps its data.");
        }
        corpus = was;
    }

    @Override
    protected Trainer.Outcome train(C config, TrainingConfig t, StopSignal stop) {
        return TextTraining.run(corpus, text.spec().apply(config, sampleLength), t, stop).outcome();
    }

    /** Trains as the parsed command line asks (a fresh run) and returns the whole outcome; tests look into it. */
    public TextTraining.Outcome run(StopSignal stop) {
        return TextTraining.run(corpus, text.spec().apply(config(), sampleLength), train.toConfig(), stop);
    }
}
