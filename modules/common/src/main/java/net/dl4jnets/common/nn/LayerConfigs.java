package net.dl4jnets.common.nn;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

/** For the suite's variants of DL4J layers, which take a layer built by DL4J's builder as their configuration. */
final class LayerConfigs {
    private LayerConfigs() {}

    /**
     * Copies into {@code variant} every field that DL4J's builder set on {@code built} (activation, initialisation,
     * dropout, updaters, regularisation, sizes...): all instance fields of {@code type} and its superclasses.
     */
    static <T, V extends T> V copy(T built, V variant, Class<T> type) {
        for (Class<?> c = type; c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers())) {
                    try {
                        f.setAccessible(true);
                        f.set(variant, f.get(built));
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException("cannot copy " + c.getSimpleName() + "." + f.getName(), e);
                    }
                }
            }
        }
        return variant;
    }
}
