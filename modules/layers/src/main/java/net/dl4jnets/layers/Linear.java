package net.dl4jnets.layers;

import java.util.Map;

import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.GELU;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The same dense layer applied to every token, {@code [batch, tokens, nIn] → [batch, tokens, nOut]}, optionally
 * followed by GELU. It embeds tokens (on one-hot characters it is an embedding table), makes the MLP of each
 * transformer block and the language model's read-out. {@code ncwInput} reads DL4J's usual {@code [batch, nIn,
 * tokens]} (one-hot text, image rows); {@code ncwOutput} writes it (for DL4J's loss layer). {@code std} is the
 * initial weights' standard deviation: 0.02 as in GPT-2, smaller for projections that feed a residual sum.
 */
public class Linear extends TokenLayer {
    /** ND4J's GELU is the sigmoid approximation z·σ(1.702·z). */
    public static final double GELU_SLOPE = 1.702;
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
    public INDArray forward(INDArray x, Map<String, INDArray> p, Map<String, INDArray> saved) {
        long batch = x.size(0);
        INDArray rows = (ncwInput ? x.permute(0, 2, 1).dup('c') : x).reshape('c', batch * tokens, nIn);
        INDArray z = project(rows, p.get("W"), p.get("b")); // one GEMM over [batch * tokens, nIn]
        saved.put("rows", rows);
        INDArray y = z;
        if (gelu) {
            saved.put("z", z);
            y = gelu(z);
        }
        y = y.reshape(batch, tokens, nOut);
        return ncwOutput ? y.permute(0, 2, 1).dup('c') : y;
    }

    @Override
    public INDArray backward(INDArray dy, INDArray x, Map<String, INDArray> p, Map<String, INDArray> grads,
                             Map<String, INDArray> saved) {
        long batch = x.size(0);
        INDArray dz = (ncwOutput ? dy.permute(0, 2, 1).dup('c') : dy).reshape('c', batch * tokens, nOut);
        if (gelu) {
            INDArray z = saved.get("z");
            dz = geluBackward(z, dz);
        }
        projectionGradients(saved.get("rows"), dz, grads.get("W"), grads.get("b"));
        if (!inputGradient()) {
            return null;
        }
        INDArray dx = mmul(dz, p.get("W"), false, true).reshape(batch, tokens, nIn);
        return ncwInput ? dx.permute(0, 2, 1).dup('c') : dx;
    }

    /** GELU(z), a new array: ND4J's own op. (The fast engine computes it in one vector pass.) */
    protected INDArray gelu(INDArray z) {
        return Nd4j.getExecutioner().exec(new GELU(z, z.ulike()));
    }

    /** {@code dz · GELU'(z)}, a new array. */
    protected INDArray geluBackward(INDArray z, INDArray dz) {
        return dz.mul(geluDerivative(z));
    }

    /**
     * Whether back-propagation computes the gradient with respect to the input: always, here. (The fast engine skips
     * it for a layer that reads the network's own input, data that nothing trains: a matrix product the graph would
     * drop.)
     */
    protected boolean inputGradient() {
        return true;
    }

    /**
     * The derivative of ND4J's GELU, z·σ(1.702·z): σ(1.702·z) + 1.702·z·σ(1.702·z)·(1 − σ(1.702·z)). ND4J's own
     * {@code GELUDerivative} returns NaN from z ≈ 40 on in float (an overflowing exponential), which a long run
     * without dropout reached.
     */
    public static INDArray geluDerivative(INDArray z) {
        INDArray s = Transforms.sigmoid(z.mul(GELU_SLOPE), false);
        return s.rsub(1).muli(s).muli(z).muli(GELU_SLOPE).addi(s);
    }
}
