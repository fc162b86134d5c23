package net.dl4jnets.common.nn;

import org.deeplearning4j.nn.conf.layers.Layer;

/**
 * A module's fast kernels for DL4J layer configurations, found by {@link Acceleration} through
 * {@code META-INF/services/net.dl4jnets.common.nn.LayerAcceleration}. Only {@link Acceleration} calls it, and only
 * when the fast engine is active.
 */
public interface LayerAcceleration {
    /**
     * The kernel-backed configuration for {@code stock} (its activation and updaters already mapped), or null if this
     * module has none for it. {@code readsData}: the layer's inputs are the network's own, whose gradient nobody uses.
     * May change and return {@code stock} itself, which is a copy.
     */
    Layer fast(Layer stock, boolean readsData);

    /** A kernel-backed layer configuration: a subclass of a DL4J layer that knows its stock form. */
    interface Kernel {
        /** The same layer in DL4J's own class: every field of that class copied, nothing of the kernel's. */
        Layer stock();
    }
}
