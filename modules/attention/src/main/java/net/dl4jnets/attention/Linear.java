package net.dl4jnets.attention;

import java.util.Map;

import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The same dense layer applied to every token: {@code [batch, nIn, tokens] → [batch, nOut, tokens]}, optionally
 * followed by GELU. It embeds tokens (on one-hot characters it is an embedding table), and makes the MLP of each
 * transformer block. {@code std} is the initial weights' standard deviation: 0.02 as in GPT-2, smaller for the
 * projections that feed a residual sum, so that the sum does not grow with depth.
 */
public class Linear extends TokenLayer {
    private boolean gelu;
    private boolean bias = true;
    private double std = 0.02;

    public Linear() {
        // for JSON
    }

    public Linear(long nIn, long nOut, int tokens, boolean gelu, boolean bias, double std) {
        super(nIn, nOut, tokens);
        this.gelu = gelu;
        this.bias = bias;
        this.std = std;
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
        SDVariable y = tokenwise(sd, x, p.get("W"), bias ? p.get("b") : null, nIn, nOut, tokens);
        return gelu ? sd.nn.gelu(y) : y;
    }

    /** x [batch, nIn, tokens] times W [nIn, nOut], plus b [1, nOut], for every token: [batch, nOut, tokens]. */
    static SDVariable tokenwise(SameDiff sd, SDVariable x, SDVariable w, SDVariable b, long nIn, long nOut,
                                int tokens) {
        SDVariable rows = x.permute(0, 2, 1).reshape(-1, nIn); // [batch * tokens, nIn]
        SDVariable y = rows.mmul(w);
        if (b != null) {
            y = y.add(b);
        }
        return y.reshape(-1, tokens, nOut).permute(0, 2, 1);
    }
}
