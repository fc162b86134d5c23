package net.dl4jnets.engine;

/**
 * A layer configuration that runs on the engine's kernels: a subclass of the class it speeds up (its superclass,
 * which {@link Engine#stock} maps it back to), with the same settings, parameters and JSON, plus at most a few
 * settings of its own that a model file never holds.
 */
interface Kernel {
}
