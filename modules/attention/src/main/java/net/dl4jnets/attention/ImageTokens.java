package net.dl4jnets.attention;

import java.util.Map;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Turns a grid of patch embeddings {@code [batch, channels, rows, cols]} (a convolution whose kernel and stride are
 * the patch size) into a sequence of tokens {@code [batch, rows·cols, channels]}, read row by row: the step from
 * an image to the sequence a transformer reads. No parameters.
 */
public class ImageTokens extends TokenLayer {
    private int rows;
    private int cols;

    public ImageTokens() {
        // for JSON
    }

    public int getRows() {
        return rows;
    }

    public void setRows(int rows) {
        this.rows = rows;
    }

    public int getCols() {
        return cols;
    }

    public void setCols(int cols) {
        this.cols = cols;
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        if (!(inputType instanceof InputType.InputTypeConvolutional c)) {
            throw new IllegalArgumentException("ImageTokens \"" + getLayerName() + "\" reads [batch, channels, rows, "
                    + "cols], got " + inputType);
        }
        nIn = c.getChannels();
        nOut = nIn;
        rows = (int) c.getHeight();
        cols = (int) c.getWidth();
        tokens = rows * cols;
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
        return x.reshape('c', x.size(0), nIn, tokens).permute(0, 2, 1).dup('c');
    }

    @Override
    public INDArray backward(INDArray dy, INDArray x, Map<String, INDArray> p, Map<String, INDArray> grads,
                             Map<String, INDArray> saved) {
        return dy.permute(0, 2, 1).dup('c').reshape(x.shape());
    }
}
