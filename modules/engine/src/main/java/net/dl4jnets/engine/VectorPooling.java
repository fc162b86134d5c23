package net.dl4jnets.engine;

import java.util.Collection;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import net.dl4jnets.layers.LayerRuntime;

/**
 * DL4J's max and average pooling over float NCHW feature maps, as Java loops over one plane at a time. DL4J's layer
 * calls oneDNN's pooling forward, and in back-propagation runs the forward pass again (to make oneDNN's record of
 * where each maximum was) before the backward one: three passes, 6.6 ms of a 64-ms cnn2-bn step (DNNL_VERBOSE,
 * Intel Xeon, 2 threads). Here the forward pass keeps that record itself, one byte per output. Same configuration,
 * JSON and results as the layer it is made from; padding, "same" mode, dilation, p-norm, NHWC, double precision or
 * a JVM without the Vector API go to DL4J's own code.
 */
public class VectorPooling extends SubsamplingLayer implements Kernel {
    // the top-level enum the configuration holds (the nested one of the same name is DL4J's former)
    private static final org.deeplearning4j.nn.conf.layers.PoolingType MAX =
            org.deeplearning4j.nn.conf.layers.PoolingType.MAX;
    private static final org.deeplearning4j.nn.conf.layers.PoolingType AVG =
            org.deeplearning4j.nn.conf.layers.PoolingType.AVG;

    /** For JSON. */
    public VectorPooling() {}

    /** The layer {@code built} (by DL4J's builder) describes, with the Java passes. */
    public static VectorPooling of(SubsamplingLayer built) {
        return Configs.as(built, VectorPooling.class);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int index,
                             INDArray paramsView, boolean initializeParams, DataType dataType) {
        return LayerRuntime.attach(new Runtime(conf, dataType), this, conf, listeners, index, paramsView,
                initializeParams);
    }

    /** The running layer: DL4J's, but for the Java path. */
    static final class Runtime extends org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer {
        /** The last training forward pass through the Java path: its input and, for max pooling, its taps. */
        private INDArray pooledInput;
        private FloatPooling.Shape pooled;
        private byte[] taps = new byte[0];

        Runtime(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        /** The window's shape if the Java path covers this input, else null. */
        private FloatPooling.Shape javaPath(INDArray x) {
            SubsamplingLayer c = layerConf();
            int[] k = c.getKernelSize();
            int[] s = c.getStride();
            int[] pad = c.getPadding();
            int[] dilation = c.getDilation();
            boolean covered = Engine.active(x.dataType()) && x.rank() == 4 && c.getCnn2dDataFormat() == CNN2DFormat.NCHW
                    && (c.getPoolingType() == MAX || c.getPoolingType() == AVG)
                    && c.getConvolutionMode() != ConvolutionMode.Same && pad[0] == 0 && pad[1] == 0
                    && dilation[0] == 1 && dilation[1] == 1 && k[0] * k[1] <= 256 // a tap in a byte
                    && FloatMath.isContiguous(x) && x.length() <= Integer.MAX_VALUE / 4;
            if (!covered) {
                return null;
            }
            // DL4J's own check of the sizes (its message for a window larger than the input, or strict mode's)
            int[] out = ConvolutionUtils.getOutputSize(x, k, s, pad, c.getConvolutionMode(), dilation,
                    CNN2DFormat.NCHW);
            return new FloatPooling.Shape(k[0], k[1], s[0], s[1], (int) x.size(2), (int) x.size(3), out[0], out[1]);
        }

        private boolean max() {
            return layerConf().getPoolingType() == MAX;
        }

        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr ws) {
            pooledInput = null;
            pooled = null;
            assertInputSet(false);
            FloatPooling.Shape s = javaPath(input);
            if (s == null) {
                return super.activate(training, ws);
            }
            Engine.direct(VectorPooling.class);
            INDArray y = ws.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
                    new long[] {input.size(0), input.size(1), s.oh(), s.ow()}, 'c');
            byte[] record = null;
            if (training && max()) {
                int outputs = (int) (y.length());
                if (taps.length < outputs) {
                    taps = new byte[outputs];
                }
                record = taps;
            }
            FloatPooling.forward(input, s, max(), y, record);
            if (training) {
                pooledInput = input;
                pooled = s;
            }
            return y;
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr ws) {
            if (pooled == null || pooledInput != input) {
                return super.backpropGradient(epsilon, ws);
            }
            Engine.direct(VectorPooling.class);
            INDArray dx = ws.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, input.shape(), 'c');
            FloatPooling.backward(FloatMath.contiguous(epsilon.castTo(DataType.FLOAT)), pooled, max(), taps, dx);
            pooledInput = null;
            pooled = null;
            return new Pair<>(new DefaultGradient(), dx);
        }

        @Override
        public void clear() {
            super.clear();
            pooledInput = null;
            pooled = null;
        }
    }
}
