package net.dl4jnets.engine;

import java.util.Collection;
import java.util.Map;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.LSTMParamInitializer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import net.dl4jnets.layers.LayerRuntime;

/**
 * DL4J's {@link LSTM}, the same configuration, parameters and maths, computed by its {@link Runtime}: the input
 * projection of every step in one matrix product, one recurrent product per step, the gates of a step in one fused
 * pass, and the weight gradients as two products at the end. DL4J's own LSTM spends most of its time in about forty
 * small array operations per step, each with a fixed cost larger than its arithmetic.
 *
 * <p>Being an {@code LSTM}, it shares DL4J's parameter layout (W {@code [nIn, 4H]}, RW {@code [H, 4H]}, b, gates in
 * DL4J's order: block input, forget, output, input gate), its initialisation, its JSON and the wrappers that accept an
 * LSTM ({@code Bidirectional}); a model trained with one loads into the other.
 */
public class FusedLstm extends LSTM implements Kernel {
    private boolean inputGradient = true;

    /** For JSON. */
    public FusedLstm() {
    }

    /**
     * This LSTM reads the network's input, data that nothing trains: it skips the gradient with respect to its input,
     * a matrix product over every step that DL4J's layers compute and the graph then drops (PyTorch's autograd skips
     * it too). Not for an LSTM inside {@code Bidirectional}, which adds its two directions' input gradients.
     */
    public FusedLstm readingData() {
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

    /** The given LSTM, computed the fused way. */
    public static FusedLstm of(LSTM lstm) {
        return Configs.as(lstm, FusedLstm.class);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int index,
                             INDArray paramsView, boolean initializeParams, DataType dataType) {
        LayerValidation.assertNInNOutSet("FusedLstm", getLayerName(), index, getNIn(), getNOut());
        return LayerRuntime.attach(new Runtime(conf, dataType), this, conf, listeners, index, paramsView,
                initializeParams);
    }

    /**
     * The layer behind {@link FusedLstm}: DL4J's LSTM with its forward and backward passes done by {@link LstmSequence}.
     * Where that cannot apply (the fast engine off, gates other than sigmoid, a cell activation other than tanh, NWC data
     * or half precision) it is DL4J's LSTM, unchanged; {@code ./nets speed --model lstm --engine stock} measures that.
     *
     * <p>DL4J's LSTM runs its forward pass twice per training step (once for the activations, again inside
     * backpropagation); this one keeps the first pass's values for the backward pass of the same input.
     */
    public static class Runtime extends org.deeplearning4j.nn.layers.recurrent.LSTM {
        private final LstmSequence<?> sequence;
        private INDArray forwardInput; // the input of the pass whose values `sequence` holds, if it was a training pass

        public Runtime(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
            sequence = LstmSequence.of(dataType, (int) layerConf().getNOut());
        }

        /** Whether this layer computes through {@link LstmSequence}. */
        public boolean fused() {
            var c = layerConf();
            return Engine.active() && c.getGateActivationFn() instanceof ActivationSigmoid
                    && c.getActivationFn() instanceof ActivationTanH
                    && (dataType == DataType.FLOAT || dataType == DataType.DOUBLE) && getDataFormat() == RNNFormat.NCW;
        }

        @Override
        public INDArray activate(INDArray input, boolean training, LayerWorkspaceMgr ws) {
            setInput(input, ws);
            return activate(training, ws);
        }

        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr ws) {
            return fused() ? forward(training, null, null, ws) : super.activate(training, ws);
        }

        @Override
        public INDArray rnnTimeStep(INDArray input, LayerWorkspaceMgr ws) {
            if (!fused()) {
                return super.rnnTimeStep(input, ws);
            }
            setInput(input, ws);
            INDArray out = forward(false, stateMap.get(STATE_KEY_PREV_ACTIVATION), stateMap.get(STATE_KEY_PREV_MEMCELL),
                    ws);
            keepLastState(stateMap);
            return out;
        }

        @Override
        public INDArray rnnActivateUsingStoredState(INDArray input, boolean training, boolean storeLastForTBPTT,
                                                    LayerWorkspaceMgr ws) {
            if (!fused()) {
                return super.rnnActivateUsingStoredState(input, training, storeLastForTBPTT, ws);
            }
            setInput(input, ws);
            INDArray out = forward(training, tBpttStateMap.get(STATE_KEY_PREV_ACTIVATION),
                    tBpttStateMap.get(STATE_KEY_PREV_MEMCELL), ws);
            if (storeLastForTBPTT) {
                keepLastState(tBpttStateMap);
            }
            return out;
        }

        /** The state after the last step of the last pass, where the next call (or segment) starts from. */
        private void keepLastState(Map<String, INDArray> state) {
            INDArray[] last = sequence.lastState(dataType);
            state.put(STATE_KEY_PREV_ACTIVATION, last[0]);
            state.put(STATE_KEY_PREV_MEMCELL, last[1]);
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr ws) {
            return fused() ? backward(epsilon, 0, null, ws) : super.backpropGradient(epsilon, ws);
        }

        @Override
        public Pair<Gradient, INDArray> tbpttBackpropGradient(INDArray epsilon, int backwardLength, LayerWorkspaceMgr ws) {
            if (!fused()) {
                return super.tbpttBackpropGradient(epsilon, backwardLength, ws);
            }
            // As DL4J's LSTM: the segment starts from the state the previous segment ended in.
            return backward(epsilon, backwardLength, stateMap, ws);
        }

        @Override
        public void clear() {
            super.clear();
            forwardInput = null;
        }

        private INDArray forward(boolean training, INDArray h0, INDArray c0, LayerWorkspaceMgr ws) {
            Engine.direct(FusedLstm.class);
            assertInputSet(false);
            applyDropOutIfNecessary(training, ws);
            INDArray x = input.rank() == 2 ? input.reshape(input.size(0), input.size(1), 1) : input;
            INDArray out = sequence.forward(x.castTo(dataType),
                    getParamWithNoise(LSTMParamInitializer.INPUT_WEIGHT_KEY, training, ws),
                    getParamWithNoise(LSTMParamInitializer.RECURRENT_WEIGHT_KEY, training, ws),
                    getParamWithNoise(LSTMParamInitializer.BIAS_KEY, training, ws), h0, c0, maskArray, ws);
            forwardInput = training ? input : null;
            return out;
        }

        private Pair<Gradient, INDArray> backward(INDArray epsilon, int backwardLength,
                                                  Map<String, INDArray> state, LayerWorkspaceMgr ws) {
            Engine.direct(FusedLstm.class);
            assertInputSet(true);
            if (forwardInput != input) {
                forward(true, state == null ? null : state.get(STATE_KEY_PREV_ACTIVATION),
                        state == null ? null : state.get(STATE_KEY_PREV_MEMCELL), ws);
            }
            forwardInput = null;
            INDArray x = input.rank() == 2 ? input.reshape(input.size(0), input.size(1), 1) : input;
            INDArray eps = epsilon.rank() == 2 ? epsilon.reshape(epsilon.size(0), epsilon.size(1), 1) : epsilon;
            int steps = (int) x.size(2);
            int from = backwardLength > 0 ? Math.max(0, steps - backwardLength) : 0;
            Pair<Gradient, INDArray> p = sequence.backward(eps.castTo(dataType), x.castTo(dataType),
                    getParamWithNoise(LSTMParamInitializer.INPUT_WEIGHT_KEY, true, ws),
                    getParamWithNoise(LSTMParamInitializer.RECURRENT_WEIGHT_KEY, true, ws),
                    gradientViews.get(LSTMParamInitializer.INPUT_WEIGHT_KEY),
                    gradientViews.get(LSTMParamInitializer.RECURRENT_WEIGHT_KEY),
                    gradientViews.get(LSTMParamInitializer.BIAS_KEY), from, ((FusedLstm) layerConf()).isInputGradient(),
                    ws);
            weightNoiseParams.clear();
            if (p.getSecond() != null) {
                p.setSecond(backpropDropOutIfPresent(p.getSecond()));
            }
            return p;
        }
    }
}
