package net.dl4jnets.common.cli;

import net.dl4jnets.common.data.Augmentation;
import net.dl4jnets.common.io.UserError;
import picocli.CommandLine.Option;

/**
 * {@code --flip/--no-flip}, {@code --shift} and {@code --cutout}: the augmentation of training images, shared by every
 * image model, starting at the model's own defaults.
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

    public AugmentOptions(Augmentation defaults) {
        flip = defaults.flip();
        shift = defaults.maxShift();
        cutout = defaults.cutout();
    }

    public Augmentation augmentation() {
        if (shift < 0 || shift > 8) {
            throw new UserError("--shift must be between 0 and 8 pixels, got " + shift + ".");
        }
        if (cutout < 0 || cutout > 28) {
            throw new UserError("--cutout must be between 0 and 28 pixels, got " + cutout + ".");
        }
        return new Augmentation(flip, shift, cutout);
    }
}
