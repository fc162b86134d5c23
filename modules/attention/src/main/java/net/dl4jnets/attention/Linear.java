package net.dl4jnets.attention;

import java.util.Map;

import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The same dense layer applied to every token, {@code [batch, tokens, nIn] → [batch, tokens, nOut]}, optionally
 * followed by GELU. It embeds tokens (on one-hot characters it is an embedding table), makes the MLP of each
 * transformer block and the language model's read-out. {@code ncwInput} reads DL4J's usual {@code [batch, nIn,
 * tokens]} (one-hot text, image rows); {@code ncwOutput} writes it (for DL4J's loss layer). {@code std} is the
 * initial weights' standard deviation: 0.02 as in GPT-2, smaller for projections that feed a residual sum.
 */
public class Linear extends TokenLayer {
    private boolean gelu;
    private boolean bias = true;
    private double std = 0.02;
    private boolean ncwInput;
    private boolean ncwOutput;

    public Linear() {
        // for JSON
    }

    public Linear(long nIn, long nOut, int tokens, boolean gelu, boolean bias, double std) {
        super(nIn, nOut, tokens);
        this.gelu = gelu;
        this.bias = bias;
        this.std = std;
    }

    /** The same layer reading and/or writing {@code [batch, channels, tokens]}. */
    public Linear ncw(boolean input, boolean output) {
        this.ncwInput = input;
        this.ncwOutput = output;
        return this;
    }

    public boolean isGelu() {
        return gelu;
    }

    public void setGelu(boolean gelu) {
        this.gelu = gelu;
    }

    public boolean isBias() {
        return bias;
    }

    public void setBias(boolean bias) {
        this.bias = bias;
    }

    public double getStd() {
        return std;
    }

    public void setStd(double std) {
        this.std = std;
    }

    public boolean isNcwInput() {
        return ncwInput;
    }

    public void setNcwInput(boolean ncwInput) {
        this.ncwInput = ncwInput;
    }

    public boolean isNcwOutput() {
        return ncwOutput;
    }

    public void setNcwOutput(boolean ncwOutput) {
        this.ncwOutput = ncwOutput;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return InputType.recurrent(nOut, tokens, ncwOutput ? RNNFormat.NCW : RNNFormat.NWC);
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        params.clear();
        params.addWeightParam("W", nIn, nOut);
        if (bias) {
            params.addBiasParam("b", 1, nOut);
        }
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        Init.normal(params.get("W"), std);
        if (bias) {
            params.get("b").assign(0);
        }
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable x, Map<String, SDVariable> p, SDVariable mask) {
        SDVariable y = tokenwise(ncwInput ? x.permute(0, 2, 1) : x, p.get("W"), bias ? p.get("b") : null, nIn, nOut,
                tokens);
        if (gelu) {
            y = sd.nn.gelu(y);
        }
        return ncwOutput ? y.permute(0, 2, 1) : y;
    }

    /** x [batch, tokens, nIn] times W [nIn, nOut], plus b [1, nOut], for every token: [batch, tokens, nOut]. */
    static SDVariable tokenwise(SDVariable x, SDVariable w, SDVariable b, long nIn, long nOut, int tokens) {
        SDVariable y = x.reshape(-1, nIn).mmul(w); // one GEMM over [batch * tokens, nIn]
        if (b != null) {
            y = y.add(b);
        }
        return y.reshape(-1, tokens, nOut);
    }
}
