package net.dl4jnets.attention;

import java.util.Map;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Multi-head self-attention (Vaswani et al., 2017). Every token makes a query, a key and a value; a token's output is
 * the average of all values, weighted by how well its query matches each key (softmax of q·k/√d). With several
 * heads, each looks for something different in a slice of the channels. {@code causal} hides every later token
 * from each token (a lower-triangular mask of −10⁹ before the softmax): a language model must not see the character
 * it is asked to predict. DL4J's own attention layers have only a key mask, no causal one.
 */
public class MultiHeadAttention extends TokenLayer {
    static final double MASKED = -1e9;
    private int heads;
    private boolean causal;
    private double outputStd = 0.02;

    public MultiHeadAttention() {
        // for JSON
    }

    /** @param outputStd initial spread of the output projection, which feeds a residual sum */
    public MultiHeadAttention(long channels, int tokens, int heads, boolean causal, double outputStd) {
        super(channels, channels, tokens);
        if (heads < 1 || channels % heads != 0) {
            throw new IllegalArgumentException("the width " + channels + " must be a multiple of the heads " + heads);
        }
        this.heads = heads;
        this.causal = causal;
        this.outputStd = outputStd;
    }

    public int getHeads() {
        return heads;
    }

    public void setHeads(int heads) {
        this.heads = heads;
    }

    public boolean isCausal() {
        return causal;
    }

    public void setCausal(boolean causal) {
        this.causal = causal;
    }

    public double getOutputStd() {
        return outputStd;
    }

    public void setOutputStd(double outputStd) {
        this.outputStd = outputStd;
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        params.clear();
        for (String w : new String[] {"Wq", "Wk", "Wv", "Wo"}) {
            params.addWeightParam(w, nIn, nIn);
        }
        for (String b : new String[] {"bq", "bk", "bv", "bo"}) {
            params.addBiasParam(b, 1, nIn);
        }
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        for (Map.Entry<String, INDArray> e : params.entrySet()) {
            if (e.getKey().startsWith("b")) {
                e.getValue().assign(0);
            } else {
                Init.normal(e.getValue(), e.getKey().equals("Wo") ? outputStd : 0.02);
            }
        }
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable x, Map<String, SDVariable> p, SDVariable mask) {
        long d = nIn / heads;
        SDVariable q = split(Linear.tokenwise(x, p.get("Wq"), p.get("bq"), nIn, nIn, tokens), d);
        SDVariable k = split(Linear.tokenwise(x, p.get("Wk"), p.get("bk"), nIn, nIn, tokens), d);
        SDVariable v = split(Linear.tokenwise(x, p.get("Wv"), p.get("bv"), nIn, nIn, tokens), d);
        SDVariable scores = sd.mmul(q, k, false, true, false).mul(1 / Math.sqrt(d)); // [batch, heads, T, T]
        if (causal) {
            scores = scores.add(sd.constant(causalMask(tokens, x.dataType())));
        }
        SDVariable weights = sd.nn.softmax(scores, -1);
        SDVariable y = sd.mmul(weights, v).permute(0, 2, 1, 3); // [batch, T, heads, d]
        return Linear.tokenwise(y, p.get("Wo"), p.get("bo"), nIn, nIn, tokens);
    }

    /** [batch, T, C] → [batch, heads, T, d]. */
    private SDVariable split(SDVariable x, long d) {
        return x.reshape(-1, tokens, heads, d).permute(0, 2, 1, 3);
    }

    /** 0 where a token may look (itself and before), −10⁹ where it may not (after). */
    static INDArray causalMask(int tokens, DataType type) {
        INDArray m = Nd4j.zeros(type, tokens, tokens);
        for (int i = 0; i < tokens; i++) {
            for (int j = i + 1; j < tokens; j++) {
                m.putScalar(i, j, MASKED);
            }
        }
        return m;
    }

    /**
     * The attention weights for one input {@code [batch, T, C]}, computed with plain ND4J from this layer's
     * parameters exactly as in {@link #defineLayer}: {@code [batch, heads, T, T]}, each row summing to 1. For the
     * pictures of where attention goes.
     */
    public INDArray weights(INDArray x, Map<String, INDArray> params) {
        long batch = x.size(0);
        long d = nIn / heads;
        INDArray rows = x.dup('c').reshape(batch * tokens, nIn);
        INDArray q = rows.mmul(params.get("Wq")).addiRowVector(params.get("bq"))
                .reshape(batch, tokens, heads, d).permute(0, 2, 1, 3).dup('c');
        INDArray k = rows.mmul(params.get("Wk")).addiRowVector(params.get("bk"))
                .reshape(batch, tokens, heads, d).permute(0, 2, 3, 1).dup('c');
        INDArray w = Nd4j.create(x.dataType(), batch, heads, tokens, tokens);
        INDArray mask = causal ? causalMask(tokens, x.dataType()) : null;
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                INDArray s = q.slice(b).slice(h).mmul(k.slice(b).slice(h)).muli(1 / Math.sqrt(d));
                if (mask != null) {
                    s.addi(mask);
                }
                w.slice(b).slice(h).assign(Transforms.softmax(s, true));
            }
        }
        return w;
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        super.setNIn(inputType, override);
        nOut = nIn;
    }
}
