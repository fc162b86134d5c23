package net.dl4jnets.common.data;

import java.util.Arrays;
import java.util.Random;

import net.dl4jnets.common.io.Param;
import net.dl4jnets.common.io.UserError;

/**
 * Random changes to a training image that keep its class: a horizontal flip (clothes are left-right symmetric
 * enough), a shift of up to {@code maxShift} pixels in each direction with zero padding (a random crop of the
 * padded image), and cutout: a {@code cutout}×{@code cutout} square blanked at a random place, partly off the image
 * at times (DeVries and Taylor, 2017), so that no one part of a garment can carry the answer alone. Beside the
 * pixels, label smoothing changes the target: {@code labelSmoothing} of the one-hot label's weight is spread evenly
 * over all ten classes (Szegedy et al., 2016), so the network is not pushed to ever more confident outputs. DL4J's
 * MCXENT loss takes such soft labels as they are. Applied by {@link ImageBatches} to training batches only.
 */
public record Augmentation(
        @Param("Random horizontal flips of training images") boolean flip,
        @Param(value = "Random shift of training images by up to PX pixels; 0 = off", name = "--shift", label = "PX")
        int maxShift,
        @Param(value = "Blank a random PX x PX square of every training image; 0 = off", label = "PX") int cutout,
        @Param(value = "Spread E of each training label's weight over all classes; 0 = one-hot", label = "E")
        double labelSmoothing) {
    public static final Augmentation NONE = new Augmentation(false, 0);

    public Augmentation {
        if (maxShift < 0 || maxShift > 8) {
            throw new UserError("--shift must be between 0 and 8 pixels, got " + maxShift + ".");
        }
        if (cutout < 0 || cutout > FashionMnist.ROWS) {
            throw new UserError("--cutout must be between 0 and 28 pixels, got " + cutout + ".");
        }
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
            throw new UserError("--label-smoothing must be at least 0 and below 1, got " + labelSmoothing + ".");
        }
    }

    /** Flips, shifts and cutout; one-hot labels. */
    public Augmentation(boolean flip, int maxShift, int cutout) {
        this(flip, maxShift, cutout, 0);
    }

    /** Flips and shifts, no cutout. */
    public Augmentation(boolean flip, int maxShift) {
        this(flip, maxShift, 0);
    }

    /** Nothing changes the pixels (the labels may still be smoothed). */
    public boolean isNone() {
        return !flip && maxShift == 0 && cutout == 0;
    }

    /** Writes the training target of class {@code label} into {@code y[offset..offset+classes)}. */
    public void target(float[] y, int offset, int classes, int label) {
        float rest = (float) (labelSmoothing / classes);
        Arrays.fill(y, offset, offset + classes, rest);
        y[offset + label] += (float) (1 - labelSmoothing);
    }

    /**
     * Transforms one 28x28 image in place. {@code scratch} is a buffer of at least 784 floats.
     * {@code background} is the value of an empty pixel after normalisation.
     */
    public void apply(float[] img, int offset, float[] scratch, float background, Random rng) {
        boolean doFlip = flip && rng.nextBoolean();
        int dy = maxShift == 0 ? 0 : rng.nextInt(2 * maxShift + 1) - maxShift;
        int dx = maxShift == 0 ? 0 : rng.nextInt(2 * maxShift + 1) - maxShift;
        if (doFlip || dx != 0 || dy != 0) {
            transform(img, offset, scratch, background, doFlip, dx, dy);
        }
        if (cutout > 0) { // drawn after the others, so a recipe without it sees the same flips and shifts as before
            int cy = rng.nextInt(FashionMnist.ROWS);
            int cx = rng.nextInt(FashionMnist.COLS);
            int top = Math.max(0, cy - cutout / 2);
            int left = Math.max(0, cx - cutout / 2);
            int bottom = Math.min(FashionMnist.ROWS, cy - cutout / 2 + cutout);
            int right = Math.min(FashionMnist.COLS, cx - cutout / 2 + cutout);
            for (int r = top; r < bottom; r++) {
                Arrays.fill(img, offset + r * FashionMnist.COLS + left, offset + r * FashionMnist.COLS + right,
                        background);
            }
        }
    }

    /**
     * Mirrors one 28x28 image left-right in place, always: the second view of test-time augmentation, for a model
     * that learned with random flips.
     */
    public static void mirror(float[] img, int offset, float[] scratch) {
        transform(img, offset, scratch, 0f, true, 0, 0);
    }

    private static void transform(float[] img, int offset, float[] scratch, float background, boolean flip, int dx,
                                  int dy) {
        int rows = FashionMnist.ROWS;
        int cols = FashionMnist.COLS;
        System.arraycopy(img, offset, scratch, 0, rows * cols);
        for (int r = 0; r < rows; r++) {
            int sr = r - dy;
            for (int c = 0; c < cols; c++) {
                int sc = c - dx;
                if (flip) {
                    sc = cols - 1 - sc;
                }
                img[offset + r * cols + c] = (sr >= 0 && sr < rows && sc >= 0 && sc < cols)
                        ? scratch[sr * cols + sc] : background;
            }
        }
    }
}
