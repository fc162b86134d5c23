package net.dl4jnets.cnn;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.nd4j.linalg.activations.Activation;

import net.dl4jnets.common.train.TrainingConfig;

/**
 * A small residual network (He et al., 2015). Each block computes x + F(x): the addition is an
 * {@link ElementWiseVertex}, a second path into a vertex, which a plain stack of layers cannot express and a
 * computation graph can. The identity path lets gradients reach early layers undiminished.
 *
 * <pre>
 * stem: conv 3x3 stride 2 (w) → BN → ReLU          28 → 14
 * block1: [conv BN ReLU conv BN] + x → ReLU         14, w channels
 * block2: [conv/2 BN ReLU conv BN] + proj(x) → ReLU 7, 2w channels (proj: 1x1 conv, stride 2)
 * block3: [conv BN ReLU conv BN] + x → ReLU         7, 2w channels
 * global average pool → dropout → softmax         (no dense head: 10 x 2w weights)
 * </pre>
 */
public final class SmallResNet {
    private SmallResNet() {}

    public static ComputationGraphConfiguration graph(FashionCnn.Config c, TrainingConfig t, InputType input) {
        var g = FashionCnn.start(c, t, input);
        String x = ModernCnn.convBnRelu(g, "stem", FashionCnn.IMAGE, c.width(), 2, true);
        x = residual(g, "block1", x, c.width(), 1);
        x = residual(g, "block2", x, 2 * c.width(), 2);
        x = residual(g, "block3", x, 2 * c.width(), 1);
        g.addLayer("gap", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), x);
        x = "gap";
        return g.addLayer("classes", FashionCnn.classes(c.dropout()), x)
                .setOutputs("classes")
                .build();
    }

    /** out = ReLU(F(x) + shortcut(x)); the shortcut is x itself unless the shape changes. */
    static String residual(ComputationGraphConfiguration.GraphBuilder g, String name, String input, int channels,
                           int stride) {
        // The projection is one layer (1x1 convolution with a bias, no batchnorm) and is added first: DL4J orders
        // parameters by insertion but computes parallel branches interleaved, and its GradientCheckUtil names
        // parameters assuming both orders agree.
        String shortcut = input;
        if (stride != 1) {
            g.addLayer(name + "_proj", new ConvolutionLayer.Builder(1, 1).stride(stride, stride).nOut(channels)
                    .convolutionMode(ConvolutionMode.Same).activation(Activation.IDENTITY).build(), input);
            shortcut = name + "_proj";
        }
        String a = ModernCnn.convBnRelu(g, name + "_conv1", input, channels, stride, true);
        String f = ModernCnn.convBnRelu(g, name + "_conv2", a, channels, 1, false);
        g.addVertex(name + "_add", new ElementWiseVertex(ElementWiseVertex.Op.Add), f, shortcut);
        g.addLayer(name + "_out", new ActivationLayer(Activation.RELU), name + "_add");
        return name + "_out";
    }
}
