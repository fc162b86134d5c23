package net.dl4jnets.attention;

import java.util.Collection;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A layer over a sequence of tokens, {@code [batch, tokens, channels]} (DL4J's NWC recurrent format): what every
 * layer of a transformer reads and writes. In this layout each token's channels are contiguous, so a token-wise
 * matrix product is one GEMM over {@code [batch·tokens, channels]} without copies (DL4J's default NCW layout would
 * need a transposed copy around every one). Holds the widths and the (fixed) number of tokens; the JSON of a saved
 * model carries them, so every subclass keeps a no-argument constructor and plain fields.
 */
public abstract class TokenLayer extends SameDiffLayer {
    protected long nIn;
    protected long nOut;
    protected int tokens;

    protected TokenLayer() {
        // for JSON
    }

    protected TokenLayer(long nIn, long nOut, int tokens) {
        this.nIn = nIn;
        this.nOut = nOut;
        this.tokens = tokens;
    }

    public long getNIn() {
        return nIn;
    }

    public void setNIn(long nIn) {
        this.nIn = nIn;
    }

    public long getNOut() {
        return nOut;
    }

    public void setNOut(long nOut) {
        this.nOut = nOut;
    }

    public int getTokens() {
        return tokens;
    }

    public void setTokens(int tokens) {
        this.tokens = tokens;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return InputType.recurrent(nOut, tokens, RNNFormat.NWC);
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        if (!(inputType instanceof InputType.InputTypeRecurrent r)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " \"" + getLayerName()
                    + "\" reads a token sequence, got " + inputType);
        }
        if (nIn <= 0 || override) {
            nIn = r.getSize();
        }
    }

    /** None: the layers of this module read and write NWC themselves (the embedding layers read NCW). */
    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return null;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int index,
                             INDArray paramsView, boolean initializeParams, DataType dataType) {
        return ExactGradients.instantiate(initializer(), conf, listeners, index, paramsView, initializeParams,
                dataType);
    }
}
