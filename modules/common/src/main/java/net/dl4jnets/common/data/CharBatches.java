package net.dl4jnets.common.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;

import net.dl4jnets.engine.Engine;

import net.dl4jnets.common.data.EpochIterator;

/**
 * Serves an encoded text as mini-batches for next-character prediction: features are one-hot characters
 * [batch, vocabulary, steps] (NCW) and labels the same text shifted by one. The text is cut into sequences of
 * {@code steps + 1} characters starting at an offset that changes every epoch, and their order is shuffled from
 * (seed, epoch); for evaluation the offset is 0 and the order fixed. {@link #anyStart} instead starts every training
 * sequence anywhere in the text (as many sequences per epoch): what a transformer needs, or it learns the absolute
 * positions of a few alignments rather than the text. For held-out text, {@link #streams} serves a recurrent model and
 * {@link #sliding} a model whose context is its window.
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
    /** Characters each stream predicts, in {@link #streams} batches; 0 in the other kinds. */
    private final int streamLength;
    /** In {@link #sliding} batches: each window's start and its first scored step; null in the other kinds. */
    private final int[] windowStarts;
    private final int[] scoredFrom;
    private int[] starts;
    private int cursor;
    private int epoch;

    public CharBatches(int[] text, int vocabulary, int steps, int batchSize, boolean shuffle, long seed) {
        this(text, vocabulary, steps, batchSize, shuffle, seed, false, 0, 0);
    }

    /** Training batches whose sequences start anywhere in the text, drawn anew every epoch from (seed, epoch). */
    public static CharBatches anyStart(int[] text, int vocabulary, int steps, int batchSize, long seed) {
        return new CharBatches(text, vocabulary, steps, batchSize, true, seed, true, 0, 0);
    }

    /**
     * The text as {@code rows} streams, each a contiguous stretch of it; batch k holds the next {@code steps}
     * characters of every stream (the last batch may hold fewer, and up to rows - 1 characters at the end of the text
     * are left out). A model that keeps its recurrent state from one batch to the next ({@code rnnTimeStep}) so
     * predicts each character from all of its stream before it, as it does when it writes text, and not from a fresh
     * state every {@code steps} characters. The evaluator reads them so ({@link #continuous()}).
     */
    public static CharBatches streams(int[] text, int vocabulary, int steps, int rows) {
        int streams = Math.max(1, Math.min(rows, text.length - 1));
        return new CharBatches(text, vocabulary, steps, streams, false, 0, false, (text.length - 1) / streams, 0);
    }

    /**
     * The text as windows of {@code steps} characters, one every {@code stride} characters, each scoring only the
     * characters that no window before it scored: its labels mask is 0 on the steps before. So every character after
     * the first is predicted exactly once, and all but the first window's with at least {@code steps - stride}
     * characters before it in the window (the last window is moved back to end with the text, which leaves it more).
     * A model whose context is its window (a transformer) so reads held-out text as it reads when it writes, rather
     * than paying for the first characters of every window it is cut into. {@code stride == steps} gives adjacent
     * windows, the text's end included.
     */
    public static CharBatches sliding(int[] text, int vocabulary, int steps, int batchSize, int stride) {
        if (stride < 1 || stride > steps) {
            throw new IllegalArgumentException("stride must be in [1, " + steps + "], got " + stride);
        }
        return new CharBatches(text, vocabulary, steps, batchSize, false, 0, false, 0, stride);
    }

    private CharBatches(int[] text, int vocabulary, int steps, int batchSize, boolean shuffle, long seed,
                        boolean anyStart, int streamLength, int stride) {
        int shortest = streamLength > 0 ? 2 : steps + 1; // a stream's last batch may be shorter than steps
        if (text.length < shortest) {
            throw new IllegalArgumentException("text of " + text.length + " characters is shorter than one sequence of "
                    + shortest);
        }
        this.text = text;
        this.vocabulary = vocabulary;
        this.steps = steps;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.seed = seed;
        this.anyStart = anyStart;
        this.streamLength = streamLength;
        if (stride > 0) {
            int predicted = text.length - 1; // characters with one after them
            List<int[]> windows = new ArrayList<>();
            windows.add(new int[] {0, 0});
            for (int scored = steps; scored < predicted; scored = windows.get(windows.size() - 1)[0] + steps) {
                int start = Math.min(scored + stride - steps, predicted - steps);
                windows.add(new int[] {start, scored - start});
            }
            windowStarts = windows.stream().mapToInt(w -> w[0]).toArray();
            scoredFrom = windows.stream().mapToInt(w -> w[1]).toArray();
        } else {
            windowStarts = null;
            scoredFrom = null;
        }
        setEpoch(0);
    }

    @Override
    public void setEpoch(int epoch) {
        this.epoch = epoch;
        if (continuous()) {
            starts = new int[batchSize];
            for (int i = 0; i < batchSize; i++) {
                starts[i] = i * streamLength;
            }
            cursor = 0;
            return;
        }
        if (windowStarts != null) {
            starts = windowStarts;
            cursor = 0;
            return;
        }
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

    /** True for {@link #streams} batches: each continues the one before, row by row. */
    public boolean continuous() {
        return streamLength > 0;
    }

    @Override
    public int batchesPerEpoch() {
        return continuous() ? (streamLength + steps - 1) / steps : (starts.length + batchSize - 1) / batchSize;
    }

    @Override
    public boolean hasNext() {
        return cursor < (continuous() ? streamLength : starts.length);
    }

    @Override
    public DataSet next() {
        return next(batchSize);
    }

    @Override
    public DataSet next(int num) {
        if (continuous()) {
            int length = Math.min(steps, streamLength - cursor);
            DataSet ds = batch(starts.length, 0, cursor, length);
            cursor += length;
            return ds;
        }
        int b = Math.min(num, starts.length - cursor);
        DataSet ds = batch(b, cursor, 0, steps);
        cursor += b;
        return ds;
    }

    /** Rows {@code from..from+b} of {@link #starts}, each read from {@code offset} on for {@code length} steps. */
    private DataSet batch(int b, int from, int offset, int length) {
        // One flat array each, laid out [batch][vocabulary][steps] as ND4J's 'c' order expects.
        float[] x = new float[b * vocabulary * length];
        float[] y = new float[b * vocabulary * length];
        for (int i = 0; i < b; i++) {
            int s = starts[from + i] + offset;
            for (int t = 0; t < length; t++) {
                x[(i * vocabulary + text[s + t]) * length + t] = 1f;
                y[(i * vocabulary + text[s + t + 1]) * length + t] = 1f;
            }
        }
        if (scoredFrom == null) {
            return new DataSet(Engine.floats(x, b, vocabulary, length),
                    Engine.floats(y, b, vocabulary, length));
        }
        float[] scored = new float[b * length];
        for (int i = 0; i < b; i++) {
            Arrays.fill(scored, i * length + scoredFrom[from + i], (i + 1) * length, 1f);
        }
        return new DataSet(Engine.floats(x, b, vocabulary, length),
                Engine.floats(y, b, vocabulary, length), null, Engine.floats(scored, b, length));
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
