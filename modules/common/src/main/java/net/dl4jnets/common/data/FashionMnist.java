package net.dl4jnets.common.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import net.dl4jnets.common.io.UserError;

/**
 * Fashion-MNIST, decoded once into 55 MB of bytes: 60,000 training and 10,000 test images of 28x28 pixels.
 * Iterators ({@link ImageBatches}) read from these arrays; nothing is decoded twice.
 */
public final class FashionMnist {
    public static final int ROWS = 28;
    public static final int COLS = 28;
    public static final int PIXELS = ROWS * COLS;
    public static final int CLASSES = 10;
    public static final List<String> LABELS = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** The four files, with the SHA-256 and size of their decompressed content (the same for upstream and Debian). */
    public enum IdxFile {
        TRAIN_IMAGES("train-images-idx3-ubyte", "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888", 47_040_016),
        TRAIN_LABELS("train-labels-idx1-ubyte", "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9", 60_008),
        TEST_IMAGES("t10k-images-idx3-ubyte", "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b", 7_840_016),
        TEST_LABELS("t10k-labels-idx1-ubyte", "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34", 10_008);

        public final String baseName;
        public final String sha256;
        public final long size;

        IdxFile(String baseName, String sha256, long size) {
            this.baseName = baseName;
            this.sha256 = sha256;
            this.size = size;
        }

        /** The file in dir, plain or gzipped, or null if neither is there. */
        public Path find(Path dir) {
            for (String name : List.of(baseName, baseName + ".gz")) {
                Path p = dir.resolve(name);
                if (Files.isRegularFile(p)) {
                    return p;
                }
            }
            return null;
        }
    }

    private final ImageSet train;
    private final ImageSet test;
    private final String source;

    public FashionMnist(ImageSet train, ImageSet test, String source) {
        this.train = train;
        this.test = test;
        this.source = source;
    }

    /** Loads and verifies the official files from dir. */
    public static FashionMnist load(Path dir, String source) {
        return load(dir, source, true);
    }

    /**
     * Loads the four files from dir; with verify, each must match its official checksum. The two large reads run in
     * parallel.
     */
    public static FashionMnist load(Path dir, String source, boolean verify) {
        try {
            CompletableFuture<ImageSet> train = CompletableFuture.supplyAsync(
                    () -> read(dir, IdxFile.TRAIN_IMAGES, IdxFile.TRAIN_LABELS, verify));
            ImageSet test = read(dir, IdxFile.TEST_IMAGES, IdxFile.TEST_LABELS, verify);
            return new FashionMnist(train.join(), test, source);
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    private static ImageSet read(Path dir, IdxFile imagesFile, IdxFile labelsFile, boolean verify) {
        Path imagesPath = require(dir, imagesFile);
        Path labelsPath = require(dir, labelsFile);
        IdxReader.Images images;
        byte[] labels;
        try {
            images = IdxReader.readImages(imagesPath, ROWS, COLS, verify ? imagesFile.sha256 : null);
            labels = IdxReader.readLabels(labelsPath, CLASSES, verify ? labelsFile.sha256 : null);
        } catch (IdxReader.ChecksumMismatch e) {
            throw swapped(dir, e);
        }
        if (images.count() != labels.length) {
            throw new UserError(imagesPath + " holds " + images.count() + " images but " + labelsPath + " holds "
                    + labels.length + " labels; the two files must come from the same set.");
        }
        return new ImageSet(images.pixels(), labels);
    }

    /** A file whose content is another of the four official files has been renamed or swapped: say so. */
    private static UserError swapped(Path dir, IdxReader.ChecksumMismatch e) {
        for (IdxFile other : IdxFile.values()) {
            if (other.sha256.equalsIgnoreCase(e.actual())) {
                return new UserError(e.getMessage().substring(0, e.getMessage().indexOf(':')) + ": its content is the "
                        + "official " + other.baseName + "; the files in " + dir + " look swapped or misnamed. "
                        + "Rename them to match their content.");
            }
        }
        return e;
    }

    private static Path require(Path dir, IdxFile file) {
        Path p = file.find(dir);
        if (p == null) {
            throw new UserError(dir + ": " + file.baseName + "(.gz) is missing.");
        }
        return p;
    }

    public ImageSet train() {
        return train;
    }

    public ImageSet test() {
        return test;
    }

    /** Where the files came from, for the run's config. */
    public String source() {
        return source;
    }

    /**
     * Holds out a validation set from the training images and optionally shrinks the rest.
     *
     * @param valSize images held out for validation (drawn at random, from seed)
     * @param limit   at most this many training images, and the test set cut in the same ratio; 0 for all
     */
    public Split split(int valSize, int limit, long seed) {
        int n = train.size();
        if (valSize < 0 || valSize >= n) {
            throw new UserError("--val-size must be between 0 and " + (n - 1) + ", got " + valSize + ".");
        }
        if (limit < 0) {
            throw new UserError("--limit must be 0 (no limit) or positive, got " + limit + ".");
        }
        int[] order = Shuffle.permutation(n, new Random(seed));
        int trainSize = limit > 0 ? Math.min(limit, n - valSize) : n - valSize;
        int[] val = Arrays.copyOfRange(order, 0, valSize);
        int[] tr = Arrays.copyOfRange(order, valSize, valSize + trainSize);
        // A limited run is a quick look: its test set shrinks too, but never below 1,000 images.
        int testSize = limit > 0 ? Math.min(test.size(), Math.max(1000, limit / 6)) : test.size();
        int[] te = Arrays.copyOf(Shuffle.permutation(test.size(), new Random(seed + 1)), testSize);
        Arrays.sort(te);
        return new Split(train.view(tr), train.view(val), test.view(te));
    }

    /** Train, validation and test views over the decoded bytes. */
    public record Split(ImageSet.View train, ImageSet.View validation, ImageSet.View test) {}
}
