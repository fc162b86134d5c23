package net.dl4jnets.compare;

import java.util.List;

import net.dl4jnets.common.train.Architecture;
import net.dl4jnets.common.train.ArchitectureProvider;
import net.dl4jnets.common.train.TrainingConfig;

/** A test-only architecture that runs out of memory while it builds, as a too-large model would. */
public final class BrokenArchitectures implements ArchitectureProvider {
    @Override
    public List<Architecture> architectures() {
        return List.of(new Architecture("broken", 9, "fails on purpose", TrainingConfig.DEFAULTS, t -> {
            throw new OutOfMemoryError("Java heap space (simulated)");
        }));
    }
}
