package net.dl4jnets.attention;

import java.util.Map;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The step from an image to the sequence a transformer reads: the image {@code [batch, channels, height, width]} is
 * cut into non-overlapping square patches, read row by row, and each patch's pixels are projected to the model's
 * width by one shared matrix: {@code [batch, patches, width]}. (A convolution whose kernel and stride are the patch
 * computes the same, but also the gradient of the image, which nothing needs.) It reads the network's input, so
 * back-propagation stops here.
 */
public class PatchEmbedding extends TokenLayer {
    private int patch;
    private int imageHeight;
    private int imageWidth;

    public PatchEmbedding() {
        // for JSON
    }

    /** @param channels the model's width, each patch's length once projected */
    public PatchEmbedding(int patch, long channels) {
        this.patch = patch;
        this.nOut = channels;
    }

    public int getPatch() {
        return patch;
    }

    public void setPatch(int patch) {
        this.patch = patch;
    }

    public int getImageHeight() {
        return imageHeight;
    }

    public void setImageHeight(int imageHeight) {
        this.imageHeight = imageHeight;
    }

    public int getImageWidth() {
        return imageWidth;
    }

    public void setImageWidth(int imageWidth) {
        this.imageWidth = imageWidth;
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        if (!(inputType instanceof InputType.InputTypeConvolutional c)) {
            throw new IllegalArgumentException("PatchEmbedding \"" + getLayerName() + "\" reads images [batch, "
                    + "channels, height, width], got " + inputType);
        }
        if (c.getFormat() != CNN2DFormat.NCHW) {
            throw new IllegalArgumentException("PatchEmbedding \"" + getLayerName() + "\" reads channels first (NCHW), "
                    + "got " + c.getFormat());
        }
        if (c.getHeight() % patch != 0 || c.getWidth() % patch != 0) {
            throw new IllegalArgumentException("the patch " + patch + " must divide the image's sides, "
                    + c.getHeight() + "x" + c.getWidth());
        }
        nIn = c.getChannels();
        imageHeight = (int) c.getHeight();
        imageWidth = (int) c.getWidth();
        tokens = (imageHeight / patch) * (imageWidth / patch);
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        params.clear();
        params.addWeightParam("W", nIn * patch * patch, nOut);
        params.addBiasParam("b", 1, nOut);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        // Xavier's spread, as DL4J gives the equivalent convolution
        Init.normal(params.get("W"), Math.sqrt(2.0 / (nIn * patch * patch + nOut)));
        params.get("b").assign(0);
    }

    @Override
    public INDArray forward(INDArray x, Map<String, INDArray> p, Map<String, INDArray> saved) {
        long batch = x.size(0);
        // [batch, channels, rows, patch, cols, patch] → [batch, rows, cols, channels, patch, patch]: a patch per row
        INDArray patches = x.reshape('c', batch, nIn, imageHeight / patch, patch, imageWidth / patch, patch)
                .permute(0, 2, 4, 1, 3, 5).dup('c').reshape(batch * tokens, nIn * patch * patch);
        saved.put("patches", patches);
        return project(patches, p.get("W"), p.get("b")).reshape(batch, tokens, nOut);
    }

    @Override
    public INDArray backward(INDArray dy, INDArray x, Map<String, INDArray> p, Map<String, INDArray> grads,
                             Map<String, INDArray> saved) {
        INDArray d = dy.reshape('c', x.size(0) * tokens, nOut);
        projectionGradients(saved.get("patches"), d, grads.get("W"), grads.get("b"));
        return null; // the image is data
    }
}
