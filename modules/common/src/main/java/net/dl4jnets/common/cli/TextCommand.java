package net.dl4jnets.common.cli;

import java.nio.file.Path;
import java.util.function.BiFunction;

import net.dl4jnets.common.io.UserError;
import net.dl4jnets.common.train.RunConfig;
import net.dl4jnets.common.train.StopSignal;
import net.dl4jnets.common.train.TextTraining;
import net.dl4jnets.common.train.Trainer;
import net.dl4jnets.common.train.TrainingConfig;
import picocli.CommandLine.Option;

/**
 * A command that trains a character-level language model through the shared text run: the corpus and the samples
 * are shared; the model says what to train.
 *
 * @param <C> the model's hyper-parameter record
 */
public abstract class TextCommand<C extends Record> extends ModelCommand<C> {
    @Option(names = "--corpus", paramLabel = "FILE",
            description = "A UTF-8 text file (default: tiny Shakespeare, downloaded and verified into data/).")
    protected Path corpus;

    @Option(names = "--sample-length", paramLabel = "N",
            description = "Characters of each sample written after every epoch (default: ${DEFAULT-VALUE}).")
    protected int sampleLength = 300;

    private final BiFunction<C, Integer, TextTraining.Spec> spec;

    /**
     * @param defaults the model's training settings
     * @param spec     the model for its record, writing samples of the given length
     */
    protected TextCommand(TrainingConfig defaults, BiFunction<C, Integer, TextTraining.Spec> spec) {
        super(defaults);
        this.spec = spec;
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
        return TextTraining.run(corpus, spec.apply(config, sampleLength), t, stop).outcome();
    }

    /** Trains as the parsed command line asks (a fresh run) and returns the whole outcome; tests look into it. */
    public TextTraining.Outcome run(StopSignal stop) {
        return TextTraining.run(corpus, spec.apply(config(), sampleLength), train.toConfig(), stop);
    }
}
