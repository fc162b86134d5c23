package net.dl4jnets.common.data;

import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;

import net.dl4jnets.engine.Engine;

import net.dl4jnets.common.data.EpochIterator;

/**
 * Serves a view of decoded images as mini-batches: pixels scaled to [0,1] (optionally standardised), one-hot
 * labels, in one of three {@link Layout}s, reshuffled every epoch from a seed, augmented if asked.
 *
 * <p>Each batch is built in one float array and handed to ND4J whole: no per-example INDArrays.
 */
public final class ImageBatches implements EpochIterator {
    private static final long serialVersionUID = 1L;

    /**
     * @param standardize subtract the training mean and divide by its standard deviation (else just /255)
     * @param shuffle     reshuffle the order every epoch (training); off for evaluation
     */
    public record Options(Layout layout, int batchSize, boolean shuffle, long seed, double[] standardize,
                          Augmentation augmentation) {
        public Options {
            if (batchSize <= 0) {
                throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
            }
            if (augmentation == null) {
                augmentation = Augmentation.NONE;
            }
        }

        /** In order, no augmentation: for validation and test sets. */
        public Options forEvaluation() {
            return new Options(layout, batchSize, false, seed, standardize, Augmentation.NONE);
        }
    }

    private final ImageSet.View view;
    private final Options options;
    private final boolean mirrored;
    private final int[] order;
    private final float scale;
    private final float shift;
    private int cursor;
    private int epoch;
    private Random augmentRng;
    // the batch is assembled here (and turned into time steps for the recurrent layout) and copied into ND4J's
    // memory in one block; reused, a batch's 400 KB on the heap cost about as much as assembling it
    private transient float[] pixelScratch;
    private transient float[] labelScratch;
    private transient float[] timeScratch;
    private DataSetPreProcessor preProcessor;

    public ImageBatches(ImageSet.View view, Options options) {
        this(view, options, false);
    }

    /**
     * The evaluation batches of {@code view} with every image mirrored left-right, in the same order as
     * {@code new ImageBatches(view, options.forEvaluation())}: the second view of test-time augmentation.
     */
    public static ImageBatches mirrored(ImageSet.View view, Options options) {
        return new ImageBatches(view, options.forEvaluation(), true);
    }

    private ImageBatches(ImageSet.View view, Options options, boolean mirrored) {
        this.view = view;
        this.options = options;
        this.mirrored = mirrored;
        this.order = view.indices().clone();
        if (options.standardize() != null) {
            double mean = options.standardize()[0];
            double std = options.standardize()[1];
            this.scale = (float) (1.0 / (255.0 * std));
            this.shift = (float) (-mean / std);
        } else {
            this.scale = 1f / 255f;
            this.shift = 0f;
        }
        startEpoch();
    }

    /** Moves on to the given epoch: the order and augmentation depend only on (seed, epoch). Used by resume. */
    @Override
    public void setEpoch(int epoch) {
        this.epoch = epoch;
        startEpoch();
    }

    public int epoch() {
        return epoch;
    }

    private void startEpoch() {
        cursor = 0;
        System.arraycopy(view.indices(), 0, order, 0, order.length);
        if (options.shuffle()) {
            Shuffle.inPlace(order, new Random(options.seed() * 1_000_003L + epoch));
        }
        augmentRng = new Random(options.seed() * 7_919L + epoch);
    }

    public int size() {
        return order.length;
    }

    @Override
    public int batchesPerEpoch() {
        return (order.length + options.batchSize() - 1) / options.batchSize();
    }

    @Override
    public boolean hasNext() {
        return cursor < order.length;
    }

    @Override
    public DataSet next() {
        return next(options.batchSize());
    }

    @Override
    public DataSet next(int num) {
        if (!hasNext()) {
            throw new NoSuchElementException("epoch finished; call reset()");
        }
        int n = Math.min(num, order.length - cursor);
        int pixels = FashionMnist.PIXELS;
        if (pixelScratch == null || pixelScratch.length < n * pixels) {
            pixelScratch = new float[n * pixels];
            labelScratch = new float[n * FashionMnist.CLASSES];
        }
        float[] x = pixelScratch; // every pixel and every label is written below
        float[] y = labelScratch;
        byte[] px = view.set().pixels();
        for (int b = 0; b < n; b++) {
            int idx = order[cursor + b];
            int src = idx * pixels;
            int dst = b * pixels;
            for (int k = 0; k < pixels; k++) {
                x[dst + k] = (px[src + k] & 0xFF) * scale + shift;
            }
            options.augmentation().target(y, b * FashionMnist.CLASSES, FashionMnist.CLASSES, view.set().label(idx));
        }
        if (!options.augmentation().isNone()) {
            float[] scratch = new float[pixels];
            for (int b = 0; b < n; b++) {
                options.augmentation().apply(x, b * pixels, scratch, shift, augmentRng);
            }
        }
        if (mirrored) {
            float[] scratch = new float[pixels];
            for (int b = 0; b < n; b++) {
                Augmentation.mirror(x, b * pixels, scratch);
            }
        }
        if (options.layout() == Layout.SEQUENCE) {
            if (timeScratch == null || timeScratch.length < x.length) {
                timeScratch = new float[x.length];
            }
            x = rowsAsTimeSteps(x, n, timeScratch);
        }
        cursor += n;
        INDArray features = Engine.floats(x, options.layout().shape(n));
        INDArray labels = Engine.floats(y, new long[] {n, FashionMnist.CLASSES});
        DataSet ds = new DataSet(features, labels);
        if (preProcessor != null) {
            preProcessor.preProcess(ds);
        }
        return ds;
    }

    /** [n, row, col] to [n, col (feature), row (time)] in {@code t}: DL4J's recurrent layers default to NCW. */
    private static float[] rowsAsTimeSteps(float[] x, int n, float[] t) {
        int rows = FashionMnist.ROWS;
        int cols = FashionMnist.COLS;
        for (int b = 0; b < n; b++) {
            int off = b * rows * cols;
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    t[off + c * rows + r] = x[off + r * cols + c];
                }
            }
        }
        return t;
    }

    @Override
    public void reset() {
        epoch++;
        startEpoch();
    }

    @Override
    public int inputColumns() {
        return FashionMnist.PIXELS;
    }

    @Override
    public int totalOutcomes() {
        return FashionMnist.CLASSES;
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    @Override
    public boolean asyncSupported() {
        return true;
    }

    @Override
    public int batch() {
        return options.batchSize();
    }

    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
        this.preProcessor = preProcessor;
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
        return preProcessor;
    }

    @Override
    public List<String> getLabels() {
        return FashionMnist.LABELS;
    }
}
