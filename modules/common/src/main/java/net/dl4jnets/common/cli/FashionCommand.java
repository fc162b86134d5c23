package net.dl4jnets.common.cli;

import net.dl4jnets.common.train.FashionTraining;
import net.dl4jnets.common.train.StopSignal;
import net.dl4jnets.common.train.Trainer;
import net.dl4jnets.common.train.TrainingConfig;

/** A command that trains a Fashion-MNIST classifier through the shared run: it says what to train, nothing more. */
public abstract class FashionCommand extends ModelCommand {
    protected FashionCommand(TrainingConfig defaults) {
        super(defaults);
    }

    /** The model for these settings, from the command's own options. */
    protected abstract FashionTraining.Spec spec(TrainingConfig t);

    /** What the command does with a finished run (pictures); nothing by default. */
    protected void afterTraining(FashionTraining.Outcome outcome) {}

    @Override
    protected Trainer.Outcome train(TrainingConfig t, StopSignal stop) {
        return run(t, stop).training().outcome();
    }

    /** Trains as the parsed command line asks and returns the whole outcome (tests look into it). */
    public FashionTraining.Outcome run(StopSignal stop) {
        return run(train.toConfig().validate(), stop);
    }

    private FashionTraining.Outcome run(TrainingConfig t, StopSignal stop) {
        FashionTraining.Outcome o = FashionTraining.run(spec(t), t, stop);
        if (!o.interrupted()) {
            afterTraining(o);
        }
        return o;
    }
}
