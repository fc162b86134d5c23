package net.dl4jnets.engine;

import java.util.Arrays;
import java.util.Collection;

import org.deeplearning4j.exception.DL4JInvalidInputException;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import net.dl4jnets.layers.Broadcasts;
import net.dl4jnets.layers.LayerRuntime;

/**
 * DL4J's dense layer, trained with one forward pass per step instead of two. DL4J's {@code DenseLayer} keeps only its
 * output, so its back-propagation computes the pre-activation {@code x·W + b} again (a second product of the layer's
 * size) to differentiate the activation; this one keeps the pre-activation from the forward pass, as PyTorch's
 * autograd does. Optionally ({@link #readingData()}) it skips the gradient with respect to its input, which the first
 * layer computes for nothing. Same parameters, initialisation, JSON and results as the layer it is made from.
 */
public class SinglePassDense extends DenseLayer implements Kernel {
    private boolean inputGradient = true;

    /** For JSON. */
    public SinglePassDense() {}

    /** The layer {@code built} (by DL4J's builder) describes, trained in one forward pass. */
    public static SinglePassDense of(DenseLayer built) {
        if (!supports(built)) {
            throw new IllegalArgumentException("SinglePassDense has no layer-norm variant; use DL4J's DenseLayer");
        }
        return Configs.as(built, SinglePassDense.class);
    }

    /** Whether this kernel computes {@code layer}: any dense layer but one with DL4J's layer norm. */
    static boolean supports(DenseLayer layer) {
        return !layer.hasLayerNorm();
    }

    /**
     * For a layer that reads the network's input directly (no preprocessor between): back-propagation then returns no
     * input gradient, a matrix product of the forward pass's size that the graph would drop.
     */
    public SinglePassDense readingData() {
        inputGradient = false;
        return this;
    }

    /** Whether backprop computes the gradient with respect to the input (false: it returns none). */
    public boolean isInputGradient() {
        return inputGradient;
    }

    public void setInputGradient(boolean inputGradient) {
        this.inputGradient = inputGradient;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int index,
                             INDArray paramsView, boolean initializeParams, DataType dataType) {
        LayerValidation.assertNInNOutSet("SinglePassDense", getLayerName(), index, getNIn(), getNOut());
        return LayerRuntime.attach(new Runtime(conf, dataType), this, conf, listeners, index, paramsView,
                initializeParams);
    }

    /**
     * x·W + b into a new 'c'-order activations array: a few rows (one image; at most {@link Engine#ONE_THREAD_BATCH}) in
     * one Java pass ({@link SmallProjection}), else the product written there directly ({@code Nd4j.gemm}): DL4J's
     * {@code mmuli} computes into an 'f'-order temporary and copies it across, a transposing copy of the whole output.
     */
    static INDArray affine(INDArray x, INDArray w, INDArray b, String layer, LayerWorkspaceMgr ws) {
        if (x.rank() != 2 || x.columns() != w.rows()) {
            throw new DL4JInvalidInputException("Layer " + layer + " takes a matrix of " + w.rows()
                    + " columns, got shape " + Arrays.toString(x.shape()) + ": a missing preprocessor or input type?");
        }
        INDArray z = ws.createUninitialized(ArrayType.ACTIVATIONS, w.dataType(), x.size(0), w.size(1));
        // one image: a Java pass, no ND4J call; never a training batch (the MLP's classifier, 128 × 256 × 10, is
        // ND4J's GEMM's to vectorise)
        if (x.size(0) <= Engine.ONE_THREAD_BATCH && SmallProjection.usable(x, w) && FloatMath.isContiguous(z)) {
            SmallProjection.into(x, w, b, z);
            return z;
        }
        Nd4j.gemm(x, w, z, false, false, 1.0, 0.0);
        if (b != null) {
            Broadcasts.addiRow(z, b);
        }
        return z;
    }

    /** The running layer: DL4J's, with the pre-activation kept from the training forward pass. */
    static final class Runtime extends org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer {
        private INDArray preActivation; // of the last training forward pass, in the workspace that outlives backprop
        private INDArray preActivationInput; // the (dropped-out) input it was computed from

        Runtime(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        /** DL4J's {@code x·W + b}, by {@link #affine}. */
        @Override
        protected Pair<INDArray, INDArray> preOutputWithPreNorm(boolean training, boolean forBackprop,
                                                                LayerWorkspaceMgr ws) {
            assertInputSet(forBackprop);
            INDArray z = product(training, true, ws);
            if (maskArray != null) {
                applyMask(z);
            }
            return new Pair<>(z, z);
        }

        /** x·W, plus b if {@code withBias}, after DL4J's dropout on the input. */
        private INDArray product(boolean training, boolean withBias, LayerWorkspaceMgr ws) {
            applyDropOutIfNecessary(training, ws);
            INDArray w = getParamWithNoise(DefaultParamInitializer.WEIGHT_KEY, training, ws);
            INDArray b = withBias && hasBias()
                    ? getParamWithNoise(DefaultParamInitializer.BIAS_KEY, training, ws) : null;
            return affine(input.castTo(dataType), w, b, layerId(), ws);
        }

        /** ReLU, float, no mask: the bias, the kept pre-activation and the activation in one pass (FloatRelu). */
        private boolean fusedRelu() {
            return Engine.active(dataType) && maskArray == null
                    && layerConf().getActivationFn() instanceof VectorRelu && input != null && input.rank() == 2
                    && input.length() <= Integer.MAX_VALUE / 4;
        }

        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr ws) {
            preActivation = null;
            preActivationInput = null;
            if (fusedRelu()) {
                Engine.direct(SinglePassDense.class);
                assertInputSet(false);
                INDArray z = product(training, false, ws);
                INDArray pre = training ? ws.createUninitialized(ArrayType.ACTIVATIONS, z.dataType(), z.shape()) : null;
                FloatRelu.biasForward(z, hasBias()
                        ? getParamWithNoise(DefaultParamInitializer.BIAS_KEY, training, ws) : null, pre);
                preActivation = pre;
                preActivationInput = training ? input : null;
                return z;
            }
            INDArray z = preOutput(training, ws);
            if (training) {
                // A copy: the activation is applied in place, and the next layer may modify its input in place.
                preActivation = ws.dup(ArrayType.ACTIVATIONS, z);
                preActivationInput = input;
            }
            INDArray out = layerConf().getActivationFn().getActivation(z, training);
            if (maskArray != null) {
                applyMask(out);
            }
            return out;
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr ws) {
            assertInputSet(true);
            INDArray z = preActivation != null && preActivationInput == input ? preActivation : preOutput(true, ws);
            preActivation = null;
            preActivationInput = null;
            INDArray delta;
            float[] biasSums = null;
            if (fusedRelu() && FloatMath.isContiguous(z) && epsilon.equalShapes(z)) {
                Engine.direct(SinglePassDense.class);
                biasSums = FloatRelu.backwardColumnSums(z, FloatMath.contiguous(epsilon.castTo(DataType.FLOAT)));
                // z is now δ
                delta = z;
            } else {
                delta = layerConf().getActivationFn().backprop(z, epsilon).getFirst();
                if (maskArray != null) {
                    applyMask(delta);
                }
            }
            Gradient g = new DefaultGradient();
            if (hasBias()) {
                INDArray biasGrad = gradientViews.get(DefaultParamInitializer.BIAS_KEY);
                if (biasSums != null) {
                    FloatMath.write(biasGrad, biasSums);
                } else {
                    delta.sum(biasGrad, 0);
                }
                g.gradientForVariable().put(DefaultParamInitializer.BIAS_KEY, biasGrad);
            }
            INDArray weightGrad = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY);
            // dWᵀ = δᵀ·x into the transposed ('c'-order) view of the same memory: ND4J's product into 'c' order
            // runs twice as fast as xᵀ·δ into the 'f' order for the MLP's first layer (0.22 against 0.45 ms)
            Nd4j.gemm(delta, input.castTo(weightGrad.dataType()), weightGrad.transpose(), true, false, 1.0, 0.0);
            g.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY, weightGrad);
            INDArray w = getParamWithNoise(DefaultParamInitializer.WEIGHT_KEY, true, ws);
            weightNoiseParams.clear();
            if (!((SinglePassDense) layerConf()).isInputGradient()) {
                return new Pair<>(g, null);
            }
            // δ·Wᵀ straight into 'c' order: DL4J's (W·δᵀ)ᵀ into 'f' order took twice as long
            INDArray next = ws.createUninitialized(ArrayType.ACTIVATION_GRAD, delta.dataType(), delta.size(0),
                    w.size(0));
            Nd4j.gemm(delta, w, next, false, true, 1.0, 0.0);
            return new Pair<>(g, backpropDropOutIfPresent(next));
        }

        @Override
        public void clear() {
            super.clear();
            preActivation = null;
            preActivationInput = null;
        }
    }
}
