package net.dl4jnets.common.nn;

import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;

/**
 * The kernels of this module for DL4J's dense, softmax output, first convolution and batch-norm layers. Exact classes
 * only: a subclass of DL4J's layer is someone else's layer and stays as it is.
 */
public final class CpuKernels implements LayerAcceleration {
    @Override
    public Layer fast(Layer stock, boolean readsData) {
        Class<?> c = stock.getClass();
        if (c == DenseLayer.class && !((DenseLayer) stock).hasLayerNorm()) {
            SinglePassDense d = SinglePassDense.of((DenseLayer) stock);
            return readsData ? d.readingData() : d;
        }
        if (c == OutputLayer.class && SoftmaxOutput.accepts((OutputLayer) stock)) {
            return SoftmaxOutput.of((OutputLayer) stock);
        }
        if (c == ConvolutionLayer.class && readsData) {
            return InputConvolution.of((ConvolutionLayer) stock);
        }
        if (c == BatchNormalization.class) {
            return VectorBatchNorm.of((BatchNormalization) stock);
        }
        return null;
    }
}
