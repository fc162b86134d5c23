package net.dl4jnets.cnn;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;

import net.dl4jnets.common.train.TrainingConfig;

/**
 * LeNet-5 (LeCun et al., 1998), the historical baseline, kept to its shape: 6 and 16 filters of 5x5, each followed
 * by 2x2 average pooling ("subsampling"), then 120 and 84 tanh units. The 28x28 input is padded to act like the
 * original 32x32. Nothing from the decades since (ReLU, batchnorm, dropout) is used: that is the point.
 */
public final class LeNet5 {
    private LeNet5() {}

    public static ComputationGraphConfiguration graph(FashionCnn.Config c, TrainingConfig t, InputType input) {
        return FashionCnn.start(c, t, input)
                .addLayer("c1", new ConvolutionLayer.Builder(5, 5).nOut(6).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.TANH).weightInit(WeightInit.XAVIER).build(), FashionCnn.IMAGE)
                .addLayer("s2", new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(2, 2).stride(2, 2).build(), "c1")
                .addLayer("c3", new ConvolutionLayer.Builder(5, 5).nOut(16).activation(Activation.TANH)
                        .weightInit(WeightInit.XAVIER).build(), "s2")
                .addLayer("s4", new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(2, 2).stride(2, 2).build(), "c3")
                .addLayer("c5", new DenseLayer.Builder().nOut(120).activation(Activation.TANH)
                        .weightInit(WeightInit.XAVIER).build(), "s4")
                .addLayer("f6", new DenseLayer.Builder().nOut(84).activation(Activation.TANH)
                        .weightInit(WeightInit.XAVIER).build(), "c5")
                .addLayer("classes", FashionCnn.classes(0), "f6")
                .setOutputs("classes")
                .build();
    }
}
