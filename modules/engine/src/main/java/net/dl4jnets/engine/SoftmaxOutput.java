package net.dl4jnets.engine;

import java.util.Collection;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

import net.dl4jnets.layers.LayerRuntime;

/**
 * DL4J's softmax output layer with multi-class cross-entropy, whose training step computes x·W + b, the softmax,
 * the loss and its gradient once: DL4J's computes the product and the softmax once for the gradient and again for
 * the score, in a dozen ND4J operations where one pass over [batch, classes] does. Same configuration (it must be
 * softmax with unweighted MCXENT), parameters and JSON as the layer it is made from; masks or double precision go to
 * DL4J's code.
 */
public class SoftmaxOutput extends OutputLayer implements Kernel {
    /** For JSON. */
    public SoftmaxOutput() {}

    /** The layer {@code built} (by DL4J's builder) describes; it must be softmax with unweighted MCXENT. */
    public static SoftmaxOutput of(OutputLayer built) {
        if (!supports(built)) {
            throw new IllegalArgumentException("SoftmaxOutput is softmax with unweighted MCXENT; got "
                    + built.getActivationFn() + " with " + built.getLossFn());
        }
        return Configs.as(built, SoftmaxOutput.class);
    }

    /** Whether {@code layer} is softmax with unweighted MCXENT, the layer this one computes. */
    static boolean supports(OutputLayer layer) {
        return layer.getActivationFn() instanceof ActivationSoftmax && layer.getLossFn() instanceof LossMCXENT l
                && l.getWeights() == null;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int index,
                             INDArray paramsView, boolean initializeParams, DataType dataType) {
        LayerValidation.assertNInNOutSet("SoftmaxOutput", getLayerName(), index, getNIn(), getNOut());
        return LayerRuntime.attach(new Runtime(conf, dataType), this, conf, listeners, index, paramsView,
                initializeParams);
    }

    /**
     * As LossMCXENT with a softmax: the summed loss −Σ labels·log(softmax clipped to [1e-10, 1−1e-10]) of {@code n}
     * rows of {@code classes} pre-activations {@code z}, which become the loss's gradient, softmax − labels.
     */
    static double crossEntropy(float[] z, float[] labels, int n, int classes) {
        double loss = 0;
        for (int r = 0; r < n; r++) {
            int o = r * classes;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < classes; j++) {
                max = Math.max(max, z[o + j]);
            }
            double sum = 0;
            for (int j = 0; j < classes; j++) {
                sum += Math.exp(z[o + j] - max);
            }
            for (int j = 0; j < classes; j++) {
                double q = Math.exp(z[o + j] - max) / sum;
                if (labels[o + j] != 0) {
                    loss -= labels[o + j] * Math.log(Math.min(Math.max(q, 1e-10), 1 - 1e-10));
                }
                z[o + j] = (float) (q - labels[o + j]);
            }
        }
        return loss;
    }

    /** The running layer: DL4J's, with one pass for the loss and its gradient. */
    static final class Runtime extends org.deeplearning4j.nn.layers.OutputLayer {
        /** The summed loss of the last back-propagation, for the score DL4J asks for next, and what it was of. */
        private double lossSum;
        private INDArray lossInput;
        private INDArray lossLabels;

        Runtime(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        @Override
        protected Pair<INDArray, INDArray> preOutputWithPreNorm(boolean training, boolean forBackprop,
                                                                LayerWorkspaceMgr ws) {
            assertInputSet(forBackprop);
            applyDropOutIfNecessary(training, ws);
            INDArray w = getParamWithNoise(DefaultParamInitializer.WEIGHT_KEY, training, ws);
            INDArray b = getParamWithNoise(DefaultParamInitializer.BIAS_KEY, training, ws);
            INDArray z = SinglePassDense.affine(input.castTo(dataType), w, hasBias() ? b : null, layerId(), ws);
            if (maskArray != null) {
                applyMask(z);
            }
            return new Pair<>(z, z);
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr ws) {
            lossInput = null;
            if (!Engine.active(dataType) || maskArray != null || labels == null
                    || labels.dataType() != DataType.FLOAT || labels.rank() != 2) {
                return super.backpropGradient(epsilon, ws);
            }
            Engine.direct(SoftmaxOutput.class);
            assertInputSet(true);
            INDArray z = preOutput2d(true, ws);
            INDArray y = FloatMath.contiguous(labels);
            int n = (int) z.size(0);
            int classes = (int) z.size(1);
            float[] p = FloatMath.read(z);
            float[] t = FloatMath.read(y);
            double loss = crossEntropy(p, t, n, classes); // p is now dL/dz
            float[] biasGrad = new float[classes];
            for (int r = 0; r < n; r++) {
                for (int j = 0; j < classes; j++) {
                    biasGrad[j] += p[r * classes + j];
                }
            }
            INDArray delta = ws.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT, n, classes);
            FloatMath.write(delta, p);
            Gradient g = new DefaultGradient();
            INDArray weightGrad = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY);
            // dWᵀ = δᵀ·x into the transposed ('c'-order) view, as SinglePassDense
            Nd4j.gemm(delta, input.castTo(dataType), weightGrad.transpose(), true, false, 1.0, 0.0);
            g.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY, weightGrad);
            if (hasBias()) {
                INDArray b = gradientViews.get(DefaultParamInitializer.BIAS_KEY);
                FloatMath.write(b, biasGrad);
                g.gradientForVariable().put(DefaultParamInitializer.BIAS_KEY, b);
            }
            INDArray w = getParamWithNoise(DefaultParamInitializer.WEIGHT_KEY, true, ws);
            INDArray next = ws.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, n, w.size(0));
            Nd4j.gemm(delta, w, next, false, true, 1.0, 0.0);
            lossSum = loss;
            lossInput = input;
            lossLabels = labels;
            return new Pair<>(g, backpropDropOutIfPresent(next));
        }

        /** The loss the last back-propagation computed, if it was of this input and these labels; else DL4J's. */
        @Override
        public double computeScore(double fullNetRegTerm, boolean training, LayerWorkspaceMgr ws) {
            if (!training || lossInput == null || lossInput != input || lossLabels != labels) {
                return super.computeScore(fullNetRegTerm, training, ws);
            }
            lossInput = null;
            lossLabels = null;
            double s = lossSum;
            if (conf().isMiniBatch()) {
                s /= getInputMiniBatchSize();
            }
            score = s + fullNetRegTerm;
            return score;
        }

        @Override
        public void clear() {
            super.clear();
            lossInput = null;
            lossLabels = null;
        }
    }
}
