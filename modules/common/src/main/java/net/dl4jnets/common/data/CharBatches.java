package net.dl4jnets.common.data;

import java.util.List;
import java.util.Random;

import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;

import net.dl4jnets.common.data.EpochIterator;

/**
 * Serves an encoded text as mini-batches for next-character prediction: features are one-hot characters
 * [batch, vocabulary, steps] (NCW) and labels the same text shifted by one. The text is cut into sequences of
 * {@code steps + 1} characters starting at an offset that changes every epoch, and their order is shuffled from
 * (seed, epoch); for evaluation the offset is 0 and the order fixed. {@link #anyStart} instead starts every training
 * sequence anywhere in the text (as many sequences per epoch): what a transformer needs, or it learns the absolute
 * positions of a few alignments rather than the text.
 */
public final class CharBatches implements EpochIterator {
    private static final long serialVersionUID = 1L;

    private final int[] text;
    private final int vocabulary;
    private final int steps;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final boolean anyStart;
    private int[] starts;
    private int cursor;
    private int epoch;

    public CharBatches(int[] text, int vocabulary, int steps, int batchSize, boolean shuffle, long seed) {
        this(text, vocabulary, steps, batchSize, shuffle, seed, false);
    }

    /** Training batches whose sequences start anywhere in the text, drawn anew every epoch from (seed, epoch). */
    public static CharBatches anyStart(int[] text, int vocabulary, int steps, int batchSize, long seed) {
        return new CharBatches(text, vocabulary, steps, batchSize, true, seed, true);
    }

    private CharBatches(int[] text, int vocabulary, int steps, int batchSize, boolean shuffle, long seed,
                        boolean anyStart) {
        if (text.length < steps + 1) {
            throw new IllegalArgumentException("text of " + text.length + " characters is shorter than one sequence of "
                    + (steps + 1));
        }
        this.text = text;
        this.vocabulary = vocabulary;
        this.steps = steps;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.seed = seed;
        this.anyStart = anyStart;
        setEpoch(0);
    }

    @Override
    public void setEpoch(int epoch) {
        this.epoch = epoch;
        Random rng = new Random(seed * 31 + epoch);
        if (anyStart) {
            starts = new int[(text.length - 1) / steps];
            for (int i = 0; i < starts.length; i++) {
                starts[i] = rng.nextInt(text.length - steps);
            }
            cursor = 0;
            return;
        }
        int offset = shuffle ? rng.nextInt(steps) : 0;
        int n = (text.length - 1 - offset) / steps;
        if (n == 0) {
            offset = 0;
            n = (text.length - 1) / steps;
        }
        starts = new int[n];
        for (int i = 0; i < n; i++) {
            starts[i] = offset + i * steps;
        }
        if (shuffle) {
            Shuffle.inPlace(starts, rng);
        }
        cursor = 0;
    }

    @Override
    public int batchesPerEpoch() {
        return (starts.length + batchSize - 1) / batchSize;
    }

    @Override
    public boolean hasNext() {
        return cursor < starts.length;
    }

    @Override
    public DataSet next() {
        return next(batchSize);
    }

    @Override
    public DataSet next(int num) {
        int b = Math.min(num, starts.length - cursor);
        // One flat array each, laid out [batch][vocabulary][steps] as ND4J's 'c' order expects.
        float[] x = new float[b * vocabulary * steps];
        float[] y = new float[b * vocabulary * steps];
        for (int i = 0; i < b; i++) {
            int s = starts[cursor + i];
            for (int t = 0; t < steps; t++) {
                x[(i * vocabulary + text[s + t]) * steps + t] = 1f;
                y[(i * vocabulary + text[s + t + 1]) * steps + t] = 1f;
            }
        }
        cursor += b;
        return new DataSet(BatchWorkspace.floats(x, b, vocabulary, steps),
                BatchWorkspace.floats(y, b, vocabulary, steps));
    }

    @Override
    public void reset() {
        setEpoch(shuffle ? epoch + 1 : epoch);
    }

    @Override
    public int inputColumns() {
        return vocabulary;
    }

    @Override
    public int totalOutcomes() {
        return vocabulary;
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    @Override
    public boolean asyncSupported() {
        return false;
    }

    @Override
    public int batch() {
        return batchSize;
    }

    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
        throw new UnsupportedOperationException("CharBatches builds its batches itself");
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
        return null;
    }

    @Override
    public List<String> getLabels() {
        return null;
    }
}
