package net.dl4jnets.common.train;

import java.util.List;
import java.util.Map;

/**
 * A module's models, found by {@link java.util.ServiceLoader} through
 * {@code META-INF/services/net.dl4jnets.common.train.ArchitectureProvider}: the Fashion-MNIST architectures that
 * {@code compare} trains, the models of the speed benchmark, and how text models write. Adding one means returning
 * it here.
 */
public interface ArchitectureProvider {
    List<Architecture> architectures();

    default List<Benchmark> benchmarks() {
        return List.of();
    }

    /** How the module's text models write, by the model name their runs record ({@code char-lstm}, {@code gpt}). */
    default Map<String, TextSampler> samplers() {
        return Map.of();
    }
}
