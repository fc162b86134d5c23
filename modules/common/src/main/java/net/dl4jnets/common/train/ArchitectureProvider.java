package net.dl4jnets.common.train;

import java.util.List;
import java.util.Map;

/**
 * A module's models, found by {@link java.util.ServiceLoader} through
 * {@code META-INF/services/net.dl4jnets.common.train.ArchitectureProvider}: the models that get a command
 * ({@code nets mlp}), the Fashion-MNIST architectures that {@code compare} trains, the models of the speed
 * benchmark, and how text models write. Adding one means returning it here.
 */
public interface ArchitectureProvider {
    /** The models whose commands the launcher derives ({@code nets <name>}). */
    default List<Model<?>> models() {
        return List.of();
    }

    default List<Architecture> architectures() {
        return List.of();
    }

    default List<Benchmark> benchmarks() {
        return List.of();
    }

    /** How the module's text models write, by the model name their runs record ({@code char-lstm}, {@code gpt}). */
    default Map<String, TextSampler> samplers() {
        return Map.of();
    }
}
