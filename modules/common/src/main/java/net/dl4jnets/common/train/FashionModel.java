package net.dl4jnets.common.train;

import net.dl4jnets.common.cli.TrainOptions;

/**
 * A command that trains a Fashion-MNIST classifier through {@link FashionTraining}. Once picocli has parsed its
 * options, it says what to train ({@link #spec()}) and how ({@link #trainOptions()}), so that {@code compare} can
 * train it exactly as its own command would.
 */
public interface FashionModel {
    FashionTraining.Spec spec();

    TrainOptions trainOptions();

    /** Trains and evaluates through the shared run; returns what the run produced. */
    default FashionTraining.Outcome train() {
        trainOptions().common.applyLogging();
        return FashionTraining.run(spec(), trainOptions());
    }
}
