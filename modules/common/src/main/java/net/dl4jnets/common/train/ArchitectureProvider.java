package net.dl4jnets.common.train;

import java.util.List;

/**
 * A module's models, found by {@link java.util.ServiceLoader} through
 * {@code META-INF/services/net.dl4jnets.common.train.ArchitectureProvider}: the Fashion-MNIST architectures that
 * {@code compare} trains, and the models of the speed benchmark. Adding one means returning it here.
 */
public interface ArchitectureProvider {
    List<Architecture> architectures();

    default List<Benchmark> benchmarks() {
        return List.of();
    }
}
