package net.dl4jnets.layers;

import java.util.Map;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastCopyOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The mean of all tokens, {@code [batch, tokens, channels] → [batch, channels]}: what the vision transformer's
 * classifier reads. (The original ViT prepends a learned class token and reads that one; the mean does as well on
 * small images with less machinery, Beyer et al., "Better plain ViT baselines", 2022.)
 */
public class TokenMean extends TokenLayer {
    public TokenMean() {
        // for JSON
    }

    public TokenMean(long channels, int tokens) {
        super(channels, channels, tokens);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return InputType.feedForward(nOut);
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        super.setNIn(inputType, override);
        nOut = nIn;
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        params.clear();
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        // none
    }

    @Override
    public INDArray forward(INDArray x, Map<String, INDArray> p, Map<String, INDArray> saved) {
        return x.mean(1);
    }

    @Override
    public INDArray backward(INDArray dy, INDArray x, Map<String, INDArray> p, Map<String, INDArray> grads,
                             Map<String, INDArray> saved) {
        // an equal share to each token (a broadcast copy: INDArray.broadcast's tile op took ~2 ms here)
        INDArray dx = Nd4j.createUninitialized(dy.dataType(), x.size(0), tokens, nIn);
        return Nd4j.exec(new BroadcastCopyOp(dx, dy.div(tokens), dx, 0, 2));
    }
}
