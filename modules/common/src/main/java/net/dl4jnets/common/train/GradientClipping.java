package net.dl4jnets.common.train;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.samediff.AbstractSameDiffLayer;
import org.deeplearning4j.nn.conf.layers.wrapper.BaseWrapperLayer;

/**
 * Gradient clipping for any graph, applied to its configuration before the graph is built, so models need not know
 * about it. DL4J has no global-norm clipping; the closest is per-layer L2 clipping: each layer's gradient is
 * rescaled so its L2 norm is at most the threshold.
 */
public final class GradientClipping {
    private GradientClipping() {}

    /** Clips every trainable layer's gradient to an L2 norm of at most {@code threshold}; 0 leaves conf as it was. */
    public static ComputationGraphConfiguration apply(ComputationGraphConfiguration conf, double threshold) {
        if (threshold <= 0) {
            return conf;
        }
        for (var vertex : conf.getVertices().values()) {
            if (vertex instanceof LayerVertex lv) {
                var layer = lv.getLayerConf().getLayer();
                if (layer instanceof BaseWrapperLayer wrapper) {
                    layer = wrapper.getUnderlying();
                }
                if (layer instanceof BaseLayer base) {
                    base.setGradientNormalization(GradientNormalization.ClipL2PerLayer);
                    base.setGradientNormalizationThreshold(threshold);
                } else if (layer instanceof AbstractSameDiffLayer custom) { // the attention module's layers
                    custom.setGradientNormalization(GradientNormalization.ClipL2PerLayer);
                    custom.setGradientNormalizationThreshold(threshold);
                }
            }
        }
        return conf;
    }
}
