package net.dl4jnets.common.cli;

import net.dl4jnets.common.data.Augmentation;
import net.dl4jnets.common.io.UserError;
import picocli.CommandLine.Option;

/**
 * {@code --flip/--no-flip}, {@code --shift}, {@code --cutout} and {@code --label-smoothing}: what changes in the
 * training batches of every image model (never in the validation or test batches), starting at the model's defaults.
 */
public final class AugmentOptions {
    @Option(names = "--flip", negatable = true, fallbackValue = "true",
            description = "Random horizontal flips of training images (default: ${DEFAULT-VALUE}).")
    boolean flip;

    @Option(names = "--shift", paramLabel = "PX",
            description = "Random shift of training images by up to PX pixels; 0 = off (default: ${DEFAULT-VALUE}).")
    int shift;

    @Option(names = "--cutout", paramLabel = "PX",
            description = "Blank a random PX x PX square of every training image; 0 = off (default: ${DEFAULT-VALUE}).")
    int cutout;

    @Option(names = "--label-smoothing", paramLabel = "E",
            description = "Spread E of each training label's weight over all classes; 0 = one-hot (default: "
                    + "${DEFAULT-VALUE}).")
    double labelSmoothing;

    public AugmentOptions(Augmentation defaults) {
        flip = defaults.flip();
        shift = defaults.maxShift();
        cutout = defaults.cutout();
        labelSmoothing = defaults.labelSmoothing();
    }

    public Augmentation augmentation() {
        if (shift < 0 || shift > 8) {
            throw new UserError("--shift must be between 0 and 8 pixels, got " + shift + ".");
        }
        if (cutout < 0 || cutout > 28) {
            throw new UserError("--cutout must be between 0 and 28 pixels, got " + cutout + ".");
        }
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
            throw new UserError("--label-smoothing must be at least 0 and below 1, got " + labelSmoothing + ".");
        }
        return new Augmentation(flip, shift, cutout, labelSmoothing);
    }
}
