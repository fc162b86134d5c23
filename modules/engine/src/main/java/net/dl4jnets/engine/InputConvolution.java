package net.dl4jnets.engine;

import java.util.Arrays;
import java.util.Collection;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import net.dl4jnets.layers.LayerRuntime;

/**
 * DL4J's convolution layer for the first layer of a network, the one that reads the images: its back-propagation
 * computes the weight and bias gradients only (im2col and one product, as DL4J's own code does), not the gradient
 * with respect to the images, which the graph drops. oneDNN's helper cannot skip that one, and for one input channel
 * it is its slowest pass: 7.8 ms of the reference CNN's 35-ms step. Same configuration, parameters, forward pass and
 * JSON as the layer it is made from; NHWC input goes to DL4J's own back-propagation.
 */
public class InputConvolution extends ConvolutionLayer implements Kernel {
    /** For JSON. */
    public InputConvolution() {}

    /** The layer {@code built} (by DL4J's builder) describes, as the network's first layer. */
    public static InputConvolution of(ConvolutionLayer built) {
        return Configs.as(built, InputConvolution.class);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int index,
                             INDArray paramsView, boolean initializeParams, DataType dataType) {
        LayerValidation.assertNInNOutSet("InputConvolution", getLayerName(), index, getNIn(), getNOut());
        return LayerRuntime.attach(new Runtime(conf, dataType), this, conf, listeners, index, paramsView,
                initializeParams);
    }

    /**
     * im2col with the taps outermost: row (channel, ky, kx) of {@code out} holds, for every example and output
     * position in order, the input value that tap sees (0 in the padding). Built in a float array, where a row of
     * output positions at stride 1 is one copy of an input row. The array is reused by the thread's next call.
     */
    static float[] tapMajorPatches(INDArray x, int kH, int kW, int[] stride, int[] pad, int[] dilation,
                                   int[] outSize) {
        int n = (int) x.size(0);
        int channels = (int) x.size(1);
        int h = (int) x.size(2);
        int w = (int) x.size(3);
        int oh = outSize[0];
        int ow = outSize[1];
        float[] in = FloatMath.read(FloatMath.contiguous(x));
        int length = channels * kH * kW * n * oh * ow;
        float[] col = PATCHES.get();
        if (col.length < length) {
            col = new float[length];
            PATCHES.set(col);
        }
        int row = 0;
        for (int ch = 0; ch < channels; ch++) {
            for (int ky = 0; ky < kH; ky++) {
                for (int kx = 0; kx < kW; kx++, row++) {
                    int dst = row * n * oh * ow;
                    for (int e = 0; e < n; e++) {
                        int plane = (e * channels + ch) * h * w;
                        for (int oy = 0; oy < oh; oy++, dst += ow) {
                            int iy = oy * stride[0] - pad[0] + ky * dilation[0];
                            int ix0 = -pad[1] + kx * dilation[1];
                            if (iy < 0 || iy >= h) {
                                Arrays.fill(col, dst, dst + ow, 0f);
                            } else if (stride[1] == 1 && ix0 >= 0 && ix0 + ow <= w) {
                                System.arraycopy(in, plane + iy * w + ix0, col, dst, ow);
                            } else {
                                for (int ox = 0; ox < ow; ox++) {
                                    int ix = ix0 + ox * stride[1];
                                    col[dst + ox] = ix >= 0 && ix < w ? in[plane + iy * w + ix] : 0f;
                                }
                            }
                        }
                    }
                }
            }
        }
        return col;
    }

    // reused: the first layer's patches of 128 images are 7 MB, a fresh array per step a cost of its own
    private static final ThreadLocal<float[]> PATCHES = ThreadLocal.withInitial(() -> new float[0]);

    /** The running layer: DL4J's, with a back-propagation that returns no input gradient. */
    static final class Runtime extends org.deeplearning4j.nn.layers.convolution.ConvolutionLayer {
        Runtime(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr ws) {
            ConvolutionLayer c = layerConf();
            if (!Engine.active(dataType) || c.getCnn2dDataFormat() != CNN2DFormat.NCHW) {
                return super.backpropGradient(epsilon, ws);
            }
            assertInputSet(true);
            INDArray x = input.castTo(dataType);
            INDArray w = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, true, ws);
            long n = x.size(0);
            long outDepth = w.size(0);
            long inDepth = w.size(1);
            int kH = (int) w.size(2);
            int kW = (int) w.size(3);
            int[] strides = c.getStride();
            int[] dilation = c.getDilation();
            boolean same = convolutionMode == ConvolutionMode.Same;
            int[] outSize = ConvolutionUtils.getOutputSize(x, c.getKernelSize(), strides, same ? null : c.getPadding(),
                    convolutionMode, dilation, CNN2DFormat.NCHW);
            int[] pad = same ? ConvolutionUtils.getSameModeTopLeftPadding(outSize,
                    new int[] {(int) x.size(2), (int) x.size(3)}, c.getKernelSize(), strides, dilation)
                    : c.getPadding();
            long positions = n * outSize[0] * outSize[1];
            if (positions * inDepth * kH * kW > Integer.MAX_VALUE || positions * outDepth > Integer.MAX_VALUE / 4) {
                return super.backpropGradient(epsilon, ws); // the patches index a Java array, δ bytes an int offset
            }

            Engine.direct(InputConvolution.class);
            INDArray z = preOutput4d(true, true, ws).getFirst();
            INDArray delta = c.getActivationFn().backprop(z, epsilon.castTo(dataType)).getFirst();
            int taps = (int) (inDepth * kH * kW);
            float[] patches = tapMajorPatches(x, kH, kW, strides, pad, dilation, outSize);
            INDArray delta3d = FloatMath.contiguous(delta).reshape('c', n, outDepth, (long) outSize[0] * outSize[1]);
            float[][] dWdB = FloatConvGrad.gradients(delta3d, patches, taps);
            INDArray weightGrad = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
            FloatMath.write(weightGrad, dWdB[0]); // [out][in][kH][kW] in 'c' order: the same order
            Gradient g = new DefaultGradient();
            if (c.hasBias()) {
                INDArray biasGrad = gradientViews.get(ConvolutionParamInitializer.BIAS_KEY);
                FloatMath.write(biasGrad, dWdB[1]);
                g.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, biasGrad);
            }
            g.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, weightGrad, 'c');
            weightNoiseParams.clear();
            return new Pair<>(g, null);
        }
    }
}
