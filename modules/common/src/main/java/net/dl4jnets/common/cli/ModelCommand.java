package net.dl4jnets.common.cli;

import net.dl4jnets.common.train.StopSignal;
import net.dl4jnets.common.train.Trainer;
import net.dl4jnets.common.train.TrainingConfig;
import picocli.CommandLine.Mixin;

/**
 * A command that trains a model: the shared training options, starting at the model's defaults, turned into a
 * {@link TrainingConfig}; Ctrl-C stops the run with a checkpoint and exit code 130. A subclass declares its own
 * options and says how to train.
 */
public abstract class ModelCommand implements NetsCommand {
    @Mixin
    protected TrainOptions train;

    protected ModelCommand(TrainingConfig defaults) {
        train = new TrainOptions(defaults);
    }

    /** Trains with these (validated) settings until done or until stop is requested; says how it ended. */
    protected abstract Trainer.Outcome train(TrainingConfig t, StopSignal stop);

    @Override
    public final Integer call() {
        train.common.applyLogging();
        TrainingConfig t = train.toConfig().validate();
        StopSignal stop = new StopSignal();
        try (Cli.SignalHook hook = Cli.stopOnSignal(stop)) {
            return train(t, stop) == Trainer.Outcome.INTERRUPTED ? Cli.INTERRUPTED : 0;
        }
    }
}
