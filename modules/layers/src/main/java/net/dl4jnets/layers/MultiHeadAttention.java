package net.dl4jnets.layers;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;


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
    public INDArray forward(INDArray x, Map<String, INDArray> p, Map<String, INDArray> saved) {
        long batch = x.size(0);
        INDArray rows = x.reshape('c', batch * tokens, nIn);
        INDArray q = project(rows, p, "q"); // [batch·T, C]
        INDArray k = project(rows, p, "k");
        INDArray v = project(rows, p, "v");
        INDArray mixed = attend(q, k, v, batch, saved);
        saved.put("rows", rows);
        saved.put("mixed", mixed);
        return project(mixed, p, "o").reshape(batch, tokens, nIn);
    }

    @Override
    public INDArray backward(INDArray dy, INDArray x, Map<String, INDArray> p, Map<String, INDArray> grads,
                             Map<String, INDArray> saved) {
        long batch = x.size(0);
        INDArray rows = saved.get("rows");
        INDArray dOut = dy.reshape('c', batch * tokens, nIn);
        projectionGradients(saved.get("mixed"), dOut, grads.get("Wo"), grads.get("bo"));
        INDArray dMerged = mmul(dOut, p.get("Wo"), false, true); // the heads' outputs side by side, [batch·T, C]
        INDArray[] dqkv = attendBackward(dMerged, batch, saved);
        // The input fed all three projections: its gradient is the sum of what flows back through each.
        INDArray dx = Nd4j.zeros(dy.dataType(), batch * tokens, nIn);
        projectBack(rows, dqkv[0], "q", p, grads, dx);
        projectBack(rows, dqkv[1], "k", p, grads, dx);
        projectBack(rows, dqkv[2], "v", p, grads, dx);
        return dx.reshape(batch, tokens, nIn);
    }

    /**
     * Every head's attention: from the projections q, k, v ({@code [batch·T, C]}), the heads' outputs side by side
     * ({@code [batch·T, C]}), through ND4J's batched products over the heads split apart. Keeps in {@code saved} the
     * weights ({@code [batch·heads, T, T]}, each row summing to 1) and what {@link #attendBackward} needs.
     */
    protected INDArray attend(INDArray q, INDArray k, INDArray v, long batch, Map<String, INDArray> saved) {
        q = split(q, batch); // [batch·heads, T, d]
        k = split(k, batch);
        v = split(v, batch);
        INDArray scores = mmul(q, k, false, true); // [batch·heads, T, T]
        INDArray weights = softmax(scores.reshape(batch * heads * tokens, tokens))
                .reshape(batch * heads, tokens, tokens); // each row summing to 1
        saved.put("q", q);
        saved.put("k", k);
        saved.put("v", v);
        saved.put("weights", weights);
        return merge(mmul(weights, v, false, false), batch); // [batch·T, C]
    }

    /**
     * The gradients of q, k and v ({@code [batch·T, C]}) from the heads' outputs' gradient {@code dMerged}, through
     * ND4J's batched products over the heads split apart (the layout {@link #attend} saved).
     */
    protected INDArray[] attendBackward(INDArray dMerged, long batch, Map<String, INDArray> saved) {
        INDArray weights = saved.get("weights");
        INDArray dMixed = split(dMerged, batch);
        INDArray dV = mmul(weights, dMixed, true, false);
        // Through the softmax, row by row: dS = W ⊙ (dW − Σ dW ⊙ W).
        INDArray dW = mmul(dMixed, saved.get("v"), false, true).reshape(batch * heads * tokens, tokens);
        INDArray w = weights.reshape(batch * heads * tokens, tokens);
        INDArray dScores = softmaxBackward(dW, w).reshape(batch * heads, tokens, tokens);
        INDArray dQ = mmul(dScores, saved.get("k"), false, false);
        INDArray dK = mmul(dScores, saved.get("q"), true, false);
        return new INDArray[] {merge(dQ, batch), merge(dK, batch), merge(dV, batch)};
    }

    /** Scores [rows, T] (a row per query) to weights: softmax of the scaled scores, later tokens masked if causal. */
    protected INDArray softmax(INDArray scores) {
        scores.muli(scale());
        if (causal) {
            Broadcasts.addiRow(scores.reshape(scores.size(0) / tokens, (long) tokens * tokens),
                    causalMask(tokens, scores.dataType()).reshape(1, (long) tokens * tokens));
        }
        return Nd4j.exec(new SoftMax(scores, scores, 1))[0]; // in place
    }

    /** The scores' gradient ({@code [rows, T]}) from the weights' gradient {@code dW} for weights {@code w}. */
    protected INDArray softmaxBackward(INDArray dW, INDArray w) {
        // row by row: dS = scale · W ⊙ (dW − Σ dW ⊙ W)
        return Broadcasts.subiColumn(dW, dW.mul(w).sum(true, 1)).muli(w).muli(scale());
    }

    /** 1/√d, the scores' scale for heads of d channels. */
    protected double scale() {
        return 1 / Math.sqrt((double) nIn / heads);
    }

    /** rows·W + b for the projection named {@code name} (q, k, v or o). */
    private INDArray project(INDArray rows, Map<String, INDArray> p, String name) {
        return project(rows, p.get("W" + name), p.get("b" + name));
    }

    /** The gradients of the projection named {@code name} for its output's gradient d; adds its input's to dx. */
    private static void projectBack(INDArray rows, INDArray d, String name, Map<String, INDArray> p,
                                    Map<String, INDArray> grads, INDArray dx) {
        projectionGradients(rows, d, grads.get("W" + name), grads.get("b" + name));
        mmul(d, p.get("W" + name), false, true, dx, 1);
    }

    /** [batch·T, C] → [batch·heads, T, d]: each head's channels, token by token. */
    private INDArray split(INDArray rows, long batch) {
        return rows.reshape('c', batch, tokens, heads, nIn / heads).permute(0, 2, 1, 3).dup('c')
                .reshape(batch * heads, tokens, nIn / heads);
    }

    /** [batch·heads, T, d] → [batch·T, C]: the heads' outputs side by side again. */
    private INDArray merge(INDArray perHead, long batch) {
        return perHead.reshape('c', batch, heads, tokens, nIn / heads).permute(0, 2, 1, 3).dup('c')
                .reshape(batch * tokens, nIn);
    }

    /** 0 where a token may look (itself and before), −10⁹ where it may not (after). */
    public static INDArray causalMask(int tokens, DataType type) {
        // From a Java array: libnd4j's tri op writes only the ones, so in a reused workspace the rest is garbage.
        double[] m = new double[tokens * tokens];
        for (int i = 0; i < tokens; i++) {
            Arrays.fill(m, i * tokens + i + 1, (i + 1) * tokens, MASKED);
        }
        return Nd4j.create(m, new long[] {tokens, tokens}, type);
    }

    /**
     * The attention weights for one input {@code [batch, T, C]}, computed by this layer's forward pass from its
     * parameters: {@code [batch, heads, T, T]}, each row summing to 1. For the pictures of where attention goes.
     */
    public INDArray weights(INDArray x, Map<String, INDArray> params) {
        Map<String, INDArray> saved = new HashMap<>();
        forward(x, params, saved);
        return saved.get("weights").reshape(x.size(0), heads, tokens, tokens);
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        super.setNIn(inputType, override);
        nOut = nIn;
    }
}
