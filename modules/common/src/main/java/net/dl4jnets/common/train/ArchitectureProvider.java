package net.dl4jnets.common.train;

import java.util.List;

/**
 * A module's Fashion-MNIST architectures, found by {@link java.util.ServiceLoader} through
 * {@code META-INF/services/net.dl4jnets.common.train.ArchitectureProvider}. Adding an architecture to compare means
 * returning it here.
 */
public interface ArchitectureProvider {
    List<Architecture> architectures();
}
