package net.dl4jnets.common.backend;

import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;


/**
 * The reference CNN that {@code bench-backend} and the speed benchmark time: conv5x5x32 - maxpool - conv5x5x64 -
 * maxpool - dense256 - softmax, no padding (28 → 24 → 12 → 8 → 4), Adam 1e-3; with batchnorm between each
 * convolution and its ReLU if asked. A fixed shape, so that timings compare across machines and with PyTorch.
 */
public final class ReferenceCnn {
    private ReferenceCnn() {}

    /** For an image input of the given type (its data format is NCHW or NHWC). */
    public static ComputationGraphConfiguration graph(boolean batchNorm, long seed, InputType input) {
        // The cache keeps each convolution's forward pass for its back-propagation (as the suite's CNNs do).
        var g = new NeuralNetConfiguration.Builder().seed(seed).updater(new Adam(1e-3))
                .cacheMode(CacheMode.DEVICE).graphBuilder()
                .addInputs("in")
                .setInputTypes(input);
        String prev = "in";
        int[] channels = {32, 64};
        for (int i = 1; i <= 2; i++) {
            g.addLayer("conv" + i, new ConvolutionLayer.Builder(5, 5).nOut(channels[i - 1])
                    .activation(batchNorm ? Activation.IDENTITY : Activation.RELU).build(), prev);
            prev = "conv" + i;
            if (batchNorm) {
                g.addLayer("bn" + i, new BatchNormalization.Builder().build(), prev);
                g.addLayer("relu" + i, new ActivationLayer(Activation.RELU), "bn" + i);
                prev = "relu" + i;
            }
            g.addLayer("pool" + i, new SubsamplingLayer.Builder(2, 2).stride(2, 2).build(), prev);
            prev = "pool" + i;
        }
        return g.addLayer("dense", new DenseLayer.Builder().nOut(256).activation(Activation.RELU).build(), prev)
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build(), "dense")
                .setOutputs("out")
                .build();
    }
}
