package net.dl4jnets.engine;

/**
 * Whether the JVM has the JDK's Vector API ({@code --add-modules jdk.incubator.vector}, which the launcher and the
 * tests pass). Ask here before touching {@link FloatMath} or any class that uses vectors: without the module they
 * must not even be initialised, and the layers fall back to ND4J's operations.
 */
public final class VectorApi {
    private VectorApi() {}

    public static final boolean PRESENT = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
}
