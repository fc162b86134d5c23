package net.dl4jnets.layers;

import java.util.Collection;
import java.util.Map;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.AbstractSameDiffLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.factory.Nd4j;


/**
 * A layer over a sequence of tokens, {@code [batch, tokens, channels]} (DL4J's NWC recurrent format): what every
 * layer of a transformer reads and writes. In this layout each token's channels are contiguous, so a token-wise
 * matrix product is one GEMM over {@code [batch·tokens, channels]} without copies (DL4J's default NCW layout would
 * need a transposed copy around every one).
 *
 * <p>Each layer writes out its forward pass and its backward pass in ND4J operations, as a PyTorch
 * {@code autograd.Function} does: {@link #forward} keeps what the backward pass needs in {@code saved}, and
 * {@link #backward} turns the gradient of the output into the parameters' gradients and the input's. DL4J runs them
 * through {@link TokenLayerRuntime}. (DL4J's {@code SameDiffLayer} would derive the backward pass, but it re-runs
 * the forward pass inside it, spends more time in bookkeeping than in arithmetic, and doubles every gradient in
 * 1.0.0-M2.1.) The parameters are declared as for a SameDiff layer, which gives their views, updaters and JSON.
 * The JSON of a saved model carries the widths, so every subclass keeps a no-argument constructor and plain fields.
 */
public abstract class TokenLayer extends AbstractSameDiffLayer {
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

    /**
     * The output for input {@code x}; {@code saved} keeps what {@link #backward} will need.
     *
     * @param p the parameters, by name
     */
    public abstract INDArray forward(INDArray x, Map<String, INDArray> p, Map<String, INDArray> saved);

    /**
     * Back-propagation through the pass that {@link #forward} made: writes each parameter's gradient into
     * {@code grads} (views of the network's gradient, assigned, not added to) and returns the input's gradient (null
     * from a layer that reads the network's input, data that nothing trains).
     *
     * @param dy the gradient of the loss with respect to this layer's output
     * @param x  the input of the forward pass
     */
    public abstract INDArray backward(INDArray dy, INDArray x, Map<String, INDArray> p, Map<String, INDArray> grads,
                                      Map<String, INDArray> saved);

    /** {@code a·b}, either transposed first; batched over leading dimensions for arrays of rank 3. */
    static INDArray mmul(INDArray a, INDArray b, boolean transposeA, boolean transposeB) {
        return Nd4j.exec(new Mmul(a, b, null, MMulTranspose.builder().transposeA(transposeA)
                .transposeB(transposeB).build()))[0];
    }

    /** {@code out = a·b + beta·out}, either transposed first: out may be a parameter's gradient view. */
    static void mmul(INDArray a, INDArray b, boolean transposeA, boolean transposeB, INDArray out, double beta) {
        Nd4j.exec(new Mmul(a, b, out, 1.0, beta, MMulTranspose.builder().transposeA(transposeA)
                .transposeB(transposeB).build()));
    }

    /**
     * rows·W + b (b may be null): one token-wise projection of {@code [batch·tokens, nIn]} rows. An instance method
     * so that a subclass may compute it otherwise (the suite's engine does for a few rows).
     */
    protected INDArray project(INDArray rows, INDArray w, INDArray b) {
        INDArray y = mmul(rows, w, false, false);
        return b == null ? y : Broadcasts.addiRow(y, b);
    }

    /** The weights' and bias's gradients of {@link #project} for the output's gradient {@code d} (bGrad may be null). */
    static void projectionGradients(INDArray rows, INDArray d, INDArray wGrad, INDArray bGrad) {
        mmul(rows, d, true, false, wGrad, 0);
        if (bGrad != null) {
            // the column sums as a product with a row of ones: ND4J's sum over dimension 0 took 2.06 ms for the GPT's
            // [4096, 384] MLP gradient and 0.28 ms for the ViT's [2048, 128], the product 0.24 and 0.07 (one thread)
            INDArray ones = Nd4j.ones(d.dataType(), 1, d.size(0));
            mmul(ones, d, false, false, bGrad.reshape(1, d.size(1)), 0);
        }
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
        return LayerRuntime.attach(new TokenLayerRuntime(conf, dataType), this, conf, listeners, index, paramsView,
                initializeParams);
    }
}
