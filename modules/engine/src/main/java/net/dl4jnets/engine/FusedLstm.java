package net.dl4jnets.engine;

import java.util.Collection;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import net.dl4jnets.layers.LayerRuntime;


/**
 * DL4J's {@link LSTM}, the same configuration, parameters and maths, computed by {@link FusedLstmLayer}: the input
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
        return LayerRuntime.attach(new FusedLstmLayer(conf, dataType), this, conf, listeners, index, paramsView,
                initializeParams);
    }
}
