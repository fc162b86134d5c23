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
import org.deeplearning4j.nn.workspace.ArrayType;
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
     * output positions at stride 1 is one copy of an input row: {@code reuse} if it is large enough.
     */
    static float[] tapMajorPatches(INDArray x, int kH, int kW, int[] stride, int[] pad, int[] dilation,
                                   int[] outSize, float[] reuse) {
        int n = (int) x.size(0);
        int channels = (int) x.size(1);
        int h = (int) x.size(2);
        int w = (int) x.size(3);
        int oh = outSize[0];
        int ow = outSize[1];
        float[] in = FloatMath.read(FloatMath.contiguous(x));
        int length = channels * kH * kW * n * oh * ow;
        float[] col = reuse.length >= length ? reuse : new float[length];
        int rows = channels * kH * kW;
        // the taps' rows split over ND4J's threads (a row is the same values on any thread)
        FloatMath.split(rows, length, (from, to) -> {
            for (int row = from; row < to; row++) {
                int ch = row / (kH * kW);
                int ky = row / kW % kH;
                int kx = row % kW;
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
        });
        return col;
    }

    /**
     * Where a convolution's windows lie: kernel, stride, padding, dilation, the output's height and width, and the
     * taps a window reads (input channels × kernel).
     */
    record Geometry(int kH, int kW, int[] strides, int[] pad, int[] dilation, int[] outSize, int taps) {
        int positions() {
            return outSize[0] * outSize[1];
        }
    }

    /**
     * The running layer: DL4J's, with the forward product over the layer's own patches of the images, which its
     * back-propagation reuses for the weight gradient, and no input gradient.
     */
    static final class Runtime extends org.deeplearning4j.nn.layers.convolution.ConvolutionLayer {
        // the layer's own: the first layer's patches of 128 images are 7 MB, a fresh array per step a cost of its
        // own, and the backward pass reads those of the forward pass
        private float[] patches = new float[0];
        private INDArray patchedInput;

        Runtime(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        /** The windows over {@code x}, or null where the Java passes do not apply. */
        private Geometry geometry(INDArray x) {
            ConvolutionLayer c = layerConf();
            if (!Engine.active(dataType) || x.dataType() != DataType.FLOAT || x.rank() != 4
                    || c.getCnn2dDataFormat() != CNN2DFormat.NCHW || x.size(1) != c.getNIn()) {
                return null;
            }
            int[] kernel = c.getKernelSize();
            int[] strides = c.getStride();
            int[] dilation = c.getDilation();
            boolean same = convolutionMode == ConvolutionMode.Same;
            int[] outSize = ConvolutionUtils.getOutputSize(x, kernel, strides, same ? null : c.getPadding(),
                    convolutionMode, dilation, CNN2DFormat.NCHW);
            int[] pad = same ? ConvolutionUtils.getSameModeTopLeftPadding(outSize,
                    new int[] {(int) x.size(2), (int) x.size(3)}, kernel, strides, dilation) : c.getPadding();
            long positions = x.size(0) * outSize[0] * outSize[1];
            if (positions * c.getNIn() * kernel[0] * kernel[1] > Integer.MAX_VALUE
                    || positions * c.getNOut() > Integer.MAX_VALUE / 4) {
                return null; // the patches index a Java array, the maps' bytes an int offset
            }
            return new Geometry(kernel[0], kernel[1], strides, pad, dilation, outSize,
                    (int) c.getNIn() * kernel[0] * kernel[1]);
        }

        /**
         * The patches of {@code x}: made again, or in back-propagation those of the training forward pass that read
         * the same array. Never kept longer: the batch ring hands the same array back with the next batch in it.
         */
        private float[] patches(INDArray x, Geometry g, boolean backward) {
            if (!backward || x != patchedInput) {
                patches = tapMajorPatches(x, g.kH(), g.kW(), g.strides(), g.pad(), g.dilation(), g.outSize(),
                        patches);
            }
            return patches;
        }

        @Override
        protected Pair<INDArray, INDArray> preOutput(boolean training, boolean forBackprop, LayerWorkspaceMgr ws) {
            if (forBackprop && preOutput != null) {
                return new Pair<>(preOutput, null); // DL4J's cache of the forward pass, as its helpers read it
            }
            assertInputSet(false);
            Geometry g = geometry(input);
            if (g == null) {
                return super.preOutput(training, forBackprop, ws);
            }
            Engine.direct(InputConvolution.class);
            ConvolutionLayer c = layerConf();
            int n = (int) input.size(0);
            int out = (int) c.getNOut();
            float[] w = FloatMath.read(FloatMath.rowOrder(
                    getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, training, ws)));
            float[] b = c.hasBias() ? FloatMath.read(FloatMath.rowOrder(
                    getParamWithNoise(ConvolutionParamInitializer.BIAS_KEY, training, ws))) : new float[out];
            INDArray z = ws.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
                    new long[] {n, out, g.outSize()[0], g.outSize()[1]}, 'c');
            FloatInputConv.forward(patches(input, g, false), g.taps(), w, b, n, out, g.positions(), z);
            patchedInput = training ? input : null;
            return new Pair<>(z, null);
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr ws) {
            assertInputSet(true);
            Geometry g = geometry(input);
            if (g == null) {
                return super.backpropGradient(epsilon, ws);
            }
            ConvolutionLayer c = layerConf();
            Engine.direct(InputConvolution.class);
            INDArray z = preOutput4d(true, true, ws).getFirst();
            INDArray delta = c.getActivationFn().backprop(z, epsilon.castTo(dataType)).getFirst();
            long n = input.size(0);
            INDArray delta3d = FloatMath.contiguous(delta).reshape('c', n, c.getNOut(), g.positions());
            float[][] dWdB = FloatInputConv.gradients(delta3d, patches(input, g, true), g.taps());
            INDArray weightGrad = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
            FloatMath.write(weightGrad, dWdB[0]); // [out][in][kH][kW] in 'c' order: the same order
            Gradient grad = new DefaultGradient();
            if (c.hasBias()) {
                INDArray biasGrad = gradientViews.get(ConvolutionParamInitializer.BIAS_KEY);
                FloatMath.write(biasGrad, dWdB[1]);
                grad.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, biasGrad);
            }
            grad.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, weightGrad, 'c');
            weightNoiseParams.clear();
            patchedInput = null;
            return new Pair<>(grad, null);
        }

        @Override
        public void clear() {
            super.clear();
            patchedInput = null;
        }
    }
}
