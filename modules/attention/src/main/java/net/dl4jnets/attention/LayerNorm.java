package net.dl4jnets.attention;

import java.util.Map;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Layer normalisation (Ba et al., 2016): each token's vector is standardised over its channels, then scaled and
 * shifted by learned {@code gain} and {@code bias}. Unlike batch normalisation it does not depend on the other
 * examples of the batch, so it behaves the same in training and inference and at any batch size; transformers use
 * it before every attention and MLP. DL4J has no such layer. libnd4j's layer_norm op doubles the gradients of gain
 * and bias in 1.0.0-M2.1 (the gradient check shows backprop at exactly twice the finite difference), so this layer
 * is written out in elementary operations, which SameDiff differentiates correctly.
 */
public class LayerNorm extends TokenLayer {
    static final double EPSILON = 1e-5;

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
    public SDVariable defineLayer(SameDiff sd, SDVariable x, Map<String, SDVariable> p, SDVariable mask) {
        SDVariable centred = x.sub(x.mean(true, 2)); // over the channels of each token
        SDVariable variance = centred.mul(centred).mean(true, 2);
        SDVariable normalised = centred.div(sd.math.sqrt(variance.add(EPSILON)));
        // Scaled by the gains as a product with diag(gain): the same numbers, but libnd4j's backward pass of a
        // broadcast multiplication (sum of [batch, tokens, C] into [1, 1, C]) took ~2 ms per call, ten times the
        // product's, and was the largest single cost of the vision transformer (BENCHMARKS.md).
        SDVariable scaled = normalised.reshape(-1, nIn).mmul(sd.math.diag(p.get("gain").reshape(nIn)));
        return scaled.reshape(-1, tokens, nIn).add(p.get("bias"));
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        super.setNIn(inputType, override);
        nOut = nIn;
    }
}
