package net.dl4jnets.engine;

import org.nd4j.linalg.api.ndarray.INDArray;

import net.dl4jnets.layers.Linear;

/**
 * The suite's {@link Linear}, the same configuration, parameters and maths, with GELU and its derivative in one
 * vector pass each ({@link FloatGelu}); ND4J computes the sigmoid one element at a time and the derivative as eight
 * operations, about a tenth of the vision transformer's training step. Optionally ({@link #readingData()}) it skips
 * the gradient with respect to its input. A few rows (one image, one window of text) are projected in Java
 * ({@link SmallProjection}).
 */
public class VectorLinear extends Linear implements Kernel {
    private boolean inputGradient = true;

    /** For JSON. */
    public VectorLinear() {}

    /** The layer {@code built} describes, computed by the engine's passes. */
    public static VectorLinear of(Linear built) {
        return Configs.as(built, VectorLinear.class);
    }

    /**
     * For a layer that reads the network's input (one-hot characters, image rows), data that nothing trains: its
     * backward pass skips the gradient with respect to the input, a matrix product the graph would drop.
     */
    public VectorLinear readingData() {
        inputGradient = false;
        return this;
    }

    public boolean isInputGradient() {
        return inputGradient;
    }

    public void setInputGradient(boolean inputGradient) {
        this.inputGradient = inputGradient;
    }

    @Override
    protected boolean inputGradient() {
        return inputGradient;
    }

    @Override
    protected INDArray gelu(INDArray z) {
        return FloatGelu.usable(z) ? FloatGelu.forward(z) : super.gelu(z);
    }

    @Override
    protected INDArray geluBackward(INDArray z, INDArray dz) {
        return FloatGelu.usable(z) ? FloatGelu.backward(z, dz) : super.geluBackward(z, dz);
    }

    @Override
    protected INDArray project(INDArray rows, INDArray w, INDArray b) {
        return SmallProjection.usable(rows, w) ? SmallProjection.project(rows, w, b) : super.project(rows, w, b);
    }
}
