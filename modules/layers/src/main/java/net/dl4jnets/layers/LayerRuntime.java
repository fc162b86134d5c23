package net.dl4jnets.layers;

import java.util.Collection;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/** What every DL4J layer configuration's {@code instantiate} does with the running layer it makes. */
public final class LayerRuntime {
    private LayerRuntime() {}

    /**
     * Listeners, index, its view of the network's parameters, initialised from {@code config}'s initializer if
     * asked, and its configuration: {@code layer}, ready to run.
     */
    public static <L extends Layer> L attach(L layer, org.deeplearning4j.nn.conf.layers.Layer config,
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
