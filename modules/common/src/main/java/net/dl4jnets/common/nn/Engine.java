package net.dl4jnets.common.nn;

import java.util.Locale;

import net.dl4jnets.common.io.UserError;

/**
 * What runs a network: DL4J's own layers ({@link #STOCK}), or the suite's CPU kernels underneath the same layer
 * configurations ({@link #FAST}, see {@link Acceleration}). The model is the same either way; only the speed differs.
 */
public enum Engine {
    /** DL4J's layers and updaters exactly as the model builder wrote them: what any DL4J application runs. */
    STOCK,
    /** The suite's kernels, where {@link Acceleration#active()} holds: CPU backend, Vector API, float. */
    FAST;

    /** The engine named on the command line ("stock" or "fast"), or a one-line error naming the option. */
    public static Engine parse(String name) {
        for (Engine e : values()) {
            if (e.name().equalsIgnoreCase(name.trim())) {
                return e;
            }
        }
        throw new UserError("--engine must be stock or fast, got '" + name + "'.");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
