package net.dl4jnets.engine;

import java.util.Map;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.recurrent.LSTM;
import org.deeplearning4j.nn.params.LSTMParamInitializer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;


/**
 * The layer behind {@link FusedLstm}: DL4J's LSTM with its forward and backward passes done by {@link LstmSequence}.
 * Where that cannot apply (the fast engine off, gates other than sigmoid, a cell activation other than tanh, NWC data
 * or half precision) it is DL4J's LSTM, unchanged; {@code ./nets speed --model lstm --engine stock} measures that.
 *
 * <p>DL4J's LSTM runs its forward pass twice per training step (once for the activations, again inside
 * backpropagation); this one keeps the first pass's values for the backward pass of the same input.
 */
public class FusedLstmLayer extends LSTM {
    private final LstmSequence<?> sequence;
    private INDArray forwardInput; // the input of the pass whose values `sequence` holds, if it was a training pass

    public FusedLstmLayer(NeuralNetConfiguration conf, DataType dataType) {
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
