package net.dl4jnets.layers;

import java.util.Map;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.convolution.Convolution;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The step from an image to the sequence a transformer reads: the image {@code [batch, channels, height, width]} is
 * cut into non-overlapping square patches, read row by row, and each patch's pixels are projected to the model's
 * width by one shared matrix: {@code [batch, patches, width]}. With an overlap each token also reads that many
 * pixels of its neighbours on every side (zeros beyond the image), so a stroke cut by a patch border is seen whole by
 * the tokens on both sides of it; there are as many tokens as without. (A convolution whose stride is the patch and
 * whose kernel the patch plus twice the overlap computes the same, but also the gradient of the image, which nothing
 * needs.) It reads the network's input, so back-propagation stops here.
 */
public class PatchEmbedding extends TokenLayer {
    private int patch;
    private int overlap;
    private int imageHeight;
    private int imageWidth;

    public PatchEmbedding() {
        // for JSON
    }

    /** @param channels the model's width, each patch's length once projected */
    public PatchEmbedding(int patch, long channels) {
        this(patch, 0, channels);
    }

    /** @param overlap pixels of the neighbouring patches each token also reads, on every side */
    public PatchEmbedding(int patch, int overlap, long channels) {
        this.patch = patch;
        this.overlap = overlap;
        this.nOut = channels;
    }

    public int getPatch() {
        return patch;
    }

    public void setPatch(int patch) {
        this.patch = patch;
    }

    public int getOverlap() {
        return overlap;
    }

    public void setOverlap(int overlap) {
        this.overlap = overlap;
    }

    /** The side of the square each token reads. */
    int window() {
        return patch + 2 * overlap;
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
        params.addWeightParam("W", nIn * window() * window(), nOut);
        params.addBiasParam("b", 1, nOut);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        // Xavier's spread, as DL4J gives the equivalent convolution
        Init.normal(params.get("W"), Math.sqrt(2.0 / (nIn * window() * window() + nOut)));
        params.get("b").assign(0);
    }

    @Override
    public INDArray forward(INDArray x, Map<String, INDArray> p, Map<String, INDArray> saved) {
        long batch = x.size(0);
        int rows = imageHeight / patch;
        int cols = imageWidth / patch;
        INDArray patches;
        if (overlap == 0) {
            // [batch, channels, rows, patch, cols, patch] → [batch, rows, cols, channels, patch, patch]: a patch a row
            patches = x.reshape('c', batch, nIn, rows, patch, cols, patch).permute(0, 2, 4, 1, 3, 5).dup('c')
                    .reshape(batch * tokens, nIn * patch * patch);
        } else {
            int k = window();
            // im2col gives [batch, channels, k, k, rows, cols]; the same permutation puts a window per row
            INDArray windows = Nd4j.createUninitialized(x.dataType(), new long[] {batch, nIn, k, k, rows, cols}, 'c');
            Convolution.im2col(x, k, k, patch, patch, overlap, overlap, 1, 1, false, windows);
            patches = windows.permute(0, 4, 5, 1, 2, 3).dup('c').reshape(batch * tokens, nIn * k * k);
        }
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
