package net.dl4jnets.attention;

import org.deeplearning4j.nn.conf.layers.Layer;

import net.dl4jnets.common.nn.LayerAcceleration;

/**
 * The fast engine's part in the attention layers: a {@link Linear} that reads the network's input (one-hot
 * characters, image rows) skips the gradient with respect to it, a matrix product the graph would drop. Their vector
 * passes ({@link FloatAttention}, {@link FloatSoftmax}, {@link FloatGelu}) ask the engine themselves.
 */
public final class AttentionKernels implements LayerAcceleration {
    @Override
    public Layer fast(Layer stock, boolean readsData) {
        if (stock instanceof Linear linear && readsData) {
            return linear.readingData();
        }
        return null;
    }
}
