package net.dl4jnets.common.nn;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collection;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/** For the suite's variants of DL4J layers, which take a layer built by DL4J's builder as their configuration. */
public final class LayerConfigs {
    private LayerConfigs() {}

    /**
     * Copies into {@code variant} every field that DL4J's builder set on {@code built} (activation, initialisation,
     * dropout, updaters, regularisation, sizes...): all instance fields of {@code type} and its superclasses.
     */
    public static <T, V extends T> V copy(T built, V variant, Class<T> type) {
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

    /**
     * What every layer configuration's {@code instantiate} does with its running layer: listeners, index, its view of
     * the network's parameters, initialised from {@code config}'s initializer if asked.
     */
    public static <L extends Layer> L runtime(L layer, org.deeplearning4j.nn.conf.layers.Layer config,
                                              NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
                                              int index, INDArray paramsView, boolean initializeParams) {
        layer.setListeners(listeners);
        layer.setIndex(index);
        layer.setParamsViewArray(paramsView);
        layer.setParamTable(config.initializer().init(conf, paramsView, initializeParams));
        layer.setConf(conf);
        return layer;
    }
}
