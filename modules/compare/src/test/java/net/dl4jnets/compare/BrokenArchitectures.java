package net.dl4jnets.compare;

import java.util.List;

import net.dl4jnets.common.cli.TrainOptions;
import net.dl4jnets.common.train.Architecture;
import net.dl4jnets.common.train.ArchitectureProvider;
import net.dl4jnets.common.train.FashionModel;
import net.dl4jnets.common.train.FashionTraining;

/** A test-only architecture that runs out of memory while it builds, as a too-large model would. */
public final class BrokenArchitectures implements ArchitectureProvider {
    static final class Broken implements FashionModel {
        @picocli.CommandLine.Mixin
        TrainOptions train = new TrainOptions();

        @Override
        public FashionTraining.Spec spec() {
            throw new OutOfMemoryError("Java heap space (simulated)");
        }

        @Override
        public TrainOptions trainOptions() {
            return train;
        }
    }

    @Override
    public List<Architecture> architectures() {
        return List.of(new Architecture("broken", 9, "fails on purpose", Broken::new, List.of()));
    }
}
