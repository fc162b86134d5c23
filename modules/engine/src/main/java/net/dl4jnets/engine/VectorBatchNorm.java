package net.dl4jnets.engine;

import java.util.Collection;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import net.dl4jnets.layers.LayerRuntime;

/**
 * DL4J's batch normalisation, with its passes over float NCHW feature maps as Java vector loops: two passes forward
 * (the channel statistics, then one multiply-add per element) and two backward, where DL4J's layer runs oneDNN's
 * helper plus a dozen ND4J operations (44% of the cnn2-bn benchmark's training step went to them). Same
 * configuration, parameters, JSON and running averages as the layer it is made from; dense input, NHWC, double
 * precision, fixed γ and β, or a JVM without the Vector API go to DL4J's own code.
 */
public class VectorBatchNorm extends BatchNormalization implements Kernel {
    /** For JSON. */
    public VectorBatchNorm() {}

    /** The layer {@code built} (by DL4J's builder) describes, with the vector passes. */
    public static VectorBatchNorm of(BatchNormalization built) {
        return Configs.as(built, VectorBatchNorm.class);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int index,
                             INDArray paramsView, boolean initializeParams, DataType dataType) {
        LayerValidation.assertNOutSet("VectorBatchNorm", getLayerName(), index, getNOut());
        return LayerRuntime.attach(new Runtime(conf, dataType), this, conf, listeners, index, paramsView,
                initializeParams);
    }

    /** The running layer: DL4J's, but for the vector path. */
    static final class Runtime extends org.deeplearning4j.nn.layers.normalization.BatchNormalization {
        /** The last training forward pass through the vector path: its input and channel statistics. */
        private INDArray statsInput;
        private FloatBatchNorm.Stats stats;

        Runtime(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        private boolean vectorPath(INDArray x) {
            BatchNormalization c = layerConf();
            return Engine.active(x.dataType()) && x.rank() == 4
                    && c.getCnn2DFormat() == CNN2DFormat.NCHW && !c.isLockGammaBeta() && x.size(1) == c.getNOut()
                    && FloatMath.isContiguous(x) && x.length() <= Integer.MAX_VALUE / 4; // byte offsets in an int
        }

        @Override
        public INDArray preOutput(INDArray x, TrainingMode training, LayerWorkspaceMgr ws) {
            statsInput = null;
            stats = null;
            if (!vectorPath(x)) {
                return super.preOutput(x, training, ws);
            }
            Engine.direct(VectorBatchNorm.class);
            BatchNormalization c = layerConf();
            float[] mean;
            float[] var;
            if (training == TrainingMode.TRAIN) {
                stats = FloatBatchNorm.stats(x, c.getEps());
                statsInput = x;
                mean = stats.mean();
                var = stats.variance();
            } else {
                mean = FloatMath.read(getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN));
                var = globalVariance();
            }
            float[] gamma = FloatMath.read(getParam(BatchNormalizationParamInitializer.GAMMA));
            float[] beta = FloatMath.read(getParam(BatchNormalizationParamInitializer.BETA));
            float[] scale = new float[gamma.length];
            float[] shift = new float[gamma.length];
            for (int ch = 0; ch < gamma.length; ch++) {
                scale[ch] = (float) (gamma[ch] / Math.sqrt(var[ch] + c.getEps()));
                shift[ch] = beta[ch] - mean[ch] * scale[ch];
            }
            INDArray y = ws.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, x.shape(), 'c');
            FloatBatchNorm.affine(x, scale, shift, y);
            return y;
        }

        private float[] globalVariance() {
            if (!layerConf().isUseLogStd()) {
                return FloatMath.read(getParam(BatchNormalizationParamInitializer.GLOBAL_VAR));
            }
            float[] log10Std = FloatMath.read(getParam(BatchNormalizationParamInitializer.GLOBAL_LOG_STD));
            float[] var = new float[log10Std.length];
            for (int ch = 0; ch < var.length; ch++) {
                double std = Math.pow(10, log10Std[ch]);
                var[ch] = (float) (std * std);
            }
            return var;
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr ws) {
            if (stats == null || statsInput != input) {
                return super.backpropGradient(epsilon, ws);
            }
            Engine.direct(VectorBatchNorm.class);
            BatchNormalization c = layerConf();
            float[] gamma = FloatMath.read(getParam(BatchNormalizationParamInitializer.GAMMA));
            INDArray dx = ws.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, input.shape(), 'c');
            float[][] dGammaBeta = FloatBatchNorm.backward(input, FloatMath.contiguous(epsilon), stats, gamma, dx);
            Gradient g = new DefaultGradient();
            // in DL4J's order: γ, β, then the running averages' "gradients"
            put(g, BatchNormalizationParamInitializer.GAMMA, dGammaBeta[0]);
            put(g, BatchNormalizationParamInitializer.BETA, dGammaBeta[1]);
            // As DL4J: the running averages move by a "gradient" that the updater subtracts unchanged (a step that
            // gradient sharing can add up), mean[t+1] = mean[t] − (1−decay)(mean[t] − batch mean); likewise the
            // variance, or log10 of the standard deviation.
            double decay = c.getDecay();
            float[] globalMean = FloatMath.read(getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN));
            float[] dMean = new float[globalMean.length];
            for (int ch = 0; ch < dMean.length; ch++) {
                dMean[ch] = (float) ((globalMean[ch] - stats.mean()[ch]) * (1 - decay));
            }
            put(g, BatchNormalizationParamInitializer.GLOBAL_MEAN, dMean);
            float[] globalVar = globalVariance();
            float[] dVar = new float[globalVar.length];
            for (int ch = 0; ch < dVar.length; ch++) {
                double batchVar = stats.variance()[ch];
                dVar[ch] = c.isUseLogStd()
                        ? (float) (Math.log(globalVar[ch] / (decay * globalVar[ch] + (1 - decay) * batchVar))
                                / (2 * Math.log(10)))
                        : (float) ((globalVar[ch] - batchVar) * (1 - decay));
            }
            put(g, c.isUseLogStd() ? BatchNormalizationParamInitializer.GLOBAL_LOG_STD
                    : BatchNormalizationParamInitializer.GLOBAL_VAR, dVar);
            statsInput = null;
            stats = null;
            return new Pair<>(g, dx);
        }

        private void put(Gradient g, String param, float[] values) {
            INDArray view = gradientViews.get(param);
            FloatMath.write(view, values);
            g.setGradientFor(param, view);
        }

        @Override
        public void clear() {
            super.clear();
            statsInput = null;
            stats = null;
        }
    }
}
