package net.dl4jnets.engine;

import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;

/**
 * DL4J's {@link Adam}, the same settings, state ([m, v] halves of one view) and update, computed for float networks by
 * one Vector API pass over ND4J's memory ({@link VectorAdamUpdater}). ND4J's {@code adam_updater} op took about a
 * quarter of the MLP's training step: 0.8 ms for its 235,146 parameters, a few nanoseconds per parameter for a dozen
 * float operations. Double networks, and a JVM without the Vector API, get ND4J's op. Saved in a model's JSON under
 * this class's name; the models of the suite all train with it.
 */
public class VectorAdam extends Adam {
    public VectorAdam() {
        // for JSON: the settings arrive through Adam's setters
    }

    public VectorAdam(double learningRate) {
        super(learningRate);
    }

    @Override
    public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
        var u = new VectorAdamUpdater(this);
        INDArray flat = viewArray.reshape(viewArray.length());
        u.setStateViewArray(flat, new long[] {flat.length() / 2}, flat.ordering(), initializeViewArray);
        return u;
    }

    @Override
    public GradientUpdater instantiate(Map<String, INDArray> updaterState, boolean initializeStateArrays) {
        var u = new VectorAdamUpdater(this);
        u.setState(updaterState, initializeStateArrays);
        return u;
    }

    @Override
    public VectorAdam clone() {
        var c = new VectorAdam();
        c.setLearningRate(getLearningRate());
        c.setLearningRateSchedule(getLearningRateSchedule());
        c.setBeta1(getBeta1());
        c.setBeta2(getBeta2());
        c.setEpsilon(getEpsilon());
        return c;
    }
}
