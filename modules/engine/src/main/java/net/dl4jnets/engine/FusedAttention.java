package net.dl4jnets.engine;

import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;

import net.dl4jnets.layers.MultiHeadAttention;

/**
 * The suite's {@link MultiHeadAttention}, the same configuration, parameters and maths, with the products between
 * tokens, the scaling, the causal mask and the softmax of every head in one vector pass ({@link FloatAttention}) where
 * the token count is a multiple of the vector length (any head size: the GPT's 24 channels are padded to 32), and the
 * softmax alone in one pass ({@link FloatSoftmax}) elsewhere. ND4J's path split the heads apart with copies, then
 * spent 0.5–0.8 ms in its softmax for the vision transformer's [8192, 16] scores, and six more operations for the
 * scale, the mask and the backward pass. A few rows' projections are computed in Java ({@link SmallProjection}).
 */
public class FusedAttention extends MultiHeadAttention implements Kernel {
    /** For JSON. */
    public FusedAttention() {}

    /** The attention layer {@code built} describes, computed by the engine's passes. */
    public static FusedAttention of(MultiHeadAttention built) {
        return Configs.as(built, FusedAttention.class);
    }

    private boolean fused(INDArray q) {
        return FloatAttention.usable(q.dataType(), getTokens(), (int) (getNIn() / getHeads()));
    }

    @Override
    protected INDArray attend(INDArray q, INDArray k, INDArray v, long batch, Map<String, INDArray> saved) {
        if (!fused(q)) {
            return super.attend(q, k, v, batch, saved);
        }
        INDArray[] w = new INDArray[1];
        INDArray mixed = FloatAttention.forward(q, k, v, getTokens(), getHeads(), scale(), isCausal(), w);
        saved.put("q", q);
        saved.put("k", k);
        saved.put("v", v);
        saved.put("weights", w[0].reshape(batch * getHeads(), getTokens(), getTokens()));
        return mixed;
    }

    @Override
    protected INDArray[] attendBackward(INDArray dMerged, long batch, Map<String, INDArray> saved) {
        if (!fused(dMerged)) {
            return super.attendBackward(dMerged, batch, saved);
        }
        return FloatAttention.backward(dMerged, saved.get("q"), saved.get("k"), saved.get("v"), saved.get("weights"),
                getTokens(), getHeads(), scale(), isCausal());
    }

    @Override
    protected INDArray softmax(INDArray scores) {
        return FloatSoftmax.usable(scores) ? FloatSoftmax.forward(scores, scale(), isCausal()) : super.softmax(scores);
    }

    @Override
    protected INDArray softmaxBackward(INDArray dW, INDArray w) {
        return FloatSoftmax.usable(w) ? FloatSoftmax.backward(dW, w, scale()) : super.softmaxBackward(dW, w);
    }

    @Override
    protected INDArray project(INDArray rows, INDArray w, INDArray b) {
        return SmallProjection.usable(rows, w) ? SmallProjection.project(rows, w, b) : super.project(rows, w, b);
    }
}
