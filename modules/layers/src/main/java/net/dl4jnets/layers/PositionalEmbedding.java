package net.dl4jnets.layers;

import java.util.Map;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.linalg.api.ndarray.INDArray;


/**
 * A learned position embedding: one vector per token position, added to each token. Attention itself treats its
 * input as a set, so without this a transformer could not tell the first row of an image (or the first character
 * of a text) from the last. A {@code [1, tokens, channels]} parameter, added to every example by broadcasting.
 */
public class PositionalEmbedding extends TokenLayer {
    static final double INIT_STD = 0.02;

    public PositionalEmbedding() {
        // for JSON
    }

    public PositionalEmbedding(long channels, int tokens) {
        super(channels, channels, tokens);
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        params.clear();
        params.addWeightParam("position", 1, tokens, nIn);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        Init.normal(params.get("position"), INIT_STD);
    }

    @Override
    public INDArray forward(INDArray x, Map<String, INDArray> p, Map<String, INDArray> saved) {
        long batch = x.size(0);
        return Broadcasts.addiRow(x.reshape('c', batch, tokens * nIn).dup('c'),
                p.get("position").reshape(1, tokens * nIn)).reshape(batch, tokens, nIn);
    }

    @Override
    public INDArray backward(INDArray dy, INDArray x, Map<String, INDArray> p, Map<String, INDArray> grads,
                             Map<String, INDArray> saved) {
        grads.get("position").assign(dy.reshape('c', dy.size(0), tokens * nIn).sum(true, 0)
                .reshape(1, tokens, nIn));
        return dy.dup('c');
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        super.setNIn(inputType, override);
        nOut = nIn;
    }
}
