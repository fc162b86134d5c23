package net.dl4jnets.layers;

import java.util.Map;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;


/**
 * Layer normalisation (Ba et al., 2016): each token's vector is standardised over its channels, then scaled and
 * shifted by learned {@code gain} and {@code bias}. Unlike batch normalisation it does not depend on the other
 * examples of the batch, so it behaves the same in training and inference and at any batch size; transformers use
 * it before every attention and MLP. DL4J has no such layer (and libnd4j's layer_norm op doubles the gradients of
 * gain and bias in 1.0.0-M2.1: the gradient check showed backprop at exactly twice the finite difference).
 */
public class LayerNorm extends TokenLayer {
    public static final double EPSILON = 1e-5;

    public LayerNorm() {
        // for JSON
    }

    public LayerNorm(long channels, int tokens) {
        super(channels, channels, tokens);
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        params.clear();
        params.addWeightParam("gain", 1, 1, nIn);
        params.addBiasParam("bias", 1, 1, nIn);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        params.get("gain").assign(1);
        params.get("bias").assign(0);
    }

    @Override
    public INDArray forward(INDArray x, Map<String, INDArray> p, Map<String, INDArray> saved) {
        INDArray rows = x.reshape('c', x.size(0) * tokens, nIn); // one token's channels per row
        INDArray centred = Broadcasts.subiColumn(rows.dup('c'), rows.mean(true, 1));
        INDArray rstd = Transforms.pow(centred.mul(centred).mean(true, 1).addi(EPSILON), -0.5, false);
        INDArray normalised = Broadcasts.muliColumn(centred, rstd);
        saved.put("normalised", normalised);
        saved.put("rstd", rstd);
        INDArray scaled = Broadcasts.muliRow(normalised.dup('c'), p.get("gain").reshape(1, nIn));
        return Broadcasts.addiRow(scaled, p.get("bias").reshape(1, nIn)).reshape(x.shape());
    }

    @Override
    public INDArray backward(INDArray dy, INDArray x, Map<String, INDArray> p, Map<String, INDArray> grads,
                             Map<String, INDArray> saved) {
        INDArray d = dy.reshape('c', x.size(0) * tokens, nIn);
        INDArray normalised = saved.get("normalised");
        grads.get("gain").assign(d.mul(normalised).sum(true, 0).reshape(1, 1, nIn));
        grads.get("bias").assign(d.sum(true, 0).reshape(1, 1, nIn));
        // Through the standardisation: dx = (g - mean(g) - x̂·mean(g·x̂)) / σ, with g the gradient of x̂.
        INDArray g = Broadcasts.muliRow(d.dup('c'), p.get("gain").reshape(1, nIn));
        INDArray along = g.mul(normalised).mean(true, 1);
        Broadcasts.subiColumn(g, g.mean(true, 1)).subi(Broadcasts.muliColumn(normalised.dup('c'), along));
        return Broadcasts.muliColumn(g, saved.get("rstd")).reshape(x.shape());
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        super.setNIn(inputType, override);
        nOut = nIn;
    }
}
