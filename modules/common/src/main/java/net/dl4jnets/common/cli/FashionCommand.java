package net.dl4jnets.common.cli;

import java.util.function.BiFunction;

import net.dl4jnets.common.train.BatchFit;
import net.dl4jnets.common.train.FashionTraining;
import net.dl4jnets.common.train.StopSignal;
import net.dl4jnets.common.train.Trainer;
import net.dl4jnets.common.train.TrainingConfig;

/**
 * A command that trains a Fashion-MNIST classifier through the shared run: it says what to train, nothing more.
 *
 * @param <C> the model's hyper-parameter record
 */
public abstract class FashionCommand<C extends Record> extends ModelCommand<C> {
    private final BiFunction<C, TrainingConfig, FashionTraining.Spec> spec;

    /**
     * @param defaults the model's training settings
     * @param spec     the model for its record and training settings (seed and learning rate go into the graph)
     */
    protected FashionCommand(TrainingConfig defaults, BiFunction<C, TrainingConfig, FashionTraining.Spec> spec) {
        super(defaults);
        this.spec = spec;
    }

    /** What the command does with a finished run (pictures); nothing by default. */
    protected void afterTraining(FashionTraining.Outcome outcome) {}

    @Override
    protected Trainer.Outcome train(C config, TrainingConfig t, StopSignal stop) {
        return run(config, t, stop).training().outcome();
    }

    /** Trains as the parsed command line asks (a fresh run) and returns the whole outcome; tests look into it. */
    public FashionTraining.Outcome run(StopSignal stop) {
        return run(config(), train.toConfig().validate(), stop);
    }

    private FashionTraining.Outcome run(C config, TrainingConfig t, StopSignal stop) {
        FashionTraining.Outcome o = FashionTraining.run(spec.apply(config, t), t, stop, BatchFit.STANDARD);
        if (o.test() != null) {
            afterTraining(o);
        }
        return o;
    }
}
