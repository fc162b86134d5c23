package net.dl4jnets.common.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

class CharBatchesTest {
    private static int[] text(int n, int vocabulary) {
        int[] text = new int[n];
        for (int i = 0; i < n; i++) {
            text[i] = (i * 7 + i / 5) % vocabulary;
        }
        return text;
    }

    /** The characters of row r, step by step: the index of the 1 in each [vocabulary] column. */
    private static int[] row(INDArray oneHot, int r) {
        return oneHot.slice(r).argMax(0).toIntVector();
    }

    @Test
    void streamsReadEachStretchOfTheTextInOrderAcrossBatches() {
        int[] text = text(103, 11);
        CharBatches streams = CharBatches.streams(text, 11, 20, 4); // 4 rows of 102 / 4 = 25 characters
        assertTrue(streams.continuous());
        assertEquals(2, streams.batchesPerEpoch());
        for (int pass = 0; pass < 2; pass++) { // reset starts again at the beginning
            DataSet first = streams.next();
            DataSet second = streams.next();
            assertFalse(streams.hasNext());
            assertEquals(20, first.getFeatures().size(2));
            assertEquals(5, second.getFeatures().size(2), "the last batch holds what is left of each stream");
            for (int r = 0; r < 4; r++) {
                int[] inputs = new int[25];
                int[] labels = new int[25];
                System.arraycopy(row(first.getFeatures(), r), 0, inputs, 0, 20);
                System.arraycopy(row(second.getFeatures(), r), 0, inputs, 20, 5);
                System.arraycopy(row(first.getLabels(), r), 0, labels, 0, 20);
                System.arraycopy(row(second.getLabels(), r), 0, labels, 20, 5);
                int[] expectedInputs = new int[25];
                int[] expectedLabels = new int[25];
                System.arraycopy(text, r * 25, expectedInputs, 0, 25);
                System.arraycopy(text, r * 25 + 1, expectedLabels, 0, 25);
                assertArrayEquals(expectedInputs, inputs, "row " + r);
                assertArrayEquals(expectedLabels, labels, "row " + r + ": each label is the next character");
            }
            streams.reset();
        }
    }

    @Test
    void aTextShorterThanTheRowsGivesOneStreamPerCharacter() {
        CharBatches streams = CharBatches.streams(text(4, 3), 3, 20, 10); // shorter than one batch of 20 steps
        DataSet only = streams.next();
        assertEquals(3, only.numExamples(), "three characters to predict, one stream each");
        assertEquals(1, only.getFeatures().size(2));
        assertFalse(streams.hasNext());
    }

    @Test
    void windowsAreNotStreams() {
        assertFalse(new CharBatches(text(500, 11), 11, 20, 4, false, 0).continuous());
        assertFalse(CharBatches.anyStart(text(500, 11), 11, 20, 4, 1).continuous());
    }

    @Test
    void slidingWindowsScoreEveryCharacterOnceAfterHalfAWindow() {
        // 102 characters to predict, windows of 20 every 10, the last moved back; random, so a window has one place
        int[] text = new Random(5).ints(103, 0, 11).toArray();
        CharBatches sliding = CharBatches.sliding(text, 11, 20, 4, 10);
        assertFalse(sliding.continuous());
        int[] scoredTimes = new int[102];
        int window = 0;
        while (sliding.hasNext()) {
            DataSet batch = sliding.next();
            INDArray mask = batch.getLabelsMaskArray();
            assertArrayEquals(new long[] {batch.numExamples(), 20}, mask.shape());
            for (int r = 0; r < batch.numExamples(); r++, window++) {
                int[] inputs = row(batch.getFeatures(), r);
                int[] labels = row(batch.getLabels(), r);
                int start = -1;
                for (int s = 0; s + 20 < text.length && start < 0; s++) { // the window's place in the text
                    int[] slice = new int[20];
                    System.arraycopy(text, s, slice, 0, 20);
                    start = Arrays.equals(slice, inputs) ? s : -1;
                }
                assertTrue(start >= 0, "window " + window + " is a stretch of the text");
                for (int t = 0; t < 20; t++) {
                    assertEquals(text[start + t + 1], labels[t], "each label is the next character");
                    if (mask.getDouble(r, t) == 1) {
                        scoredTimes[start + t]++;
                        assertTrue(window == 0 || t >= 10, "window " + window + " scores step " + t);
                    } else {
                        assertEquals(0, mask.getDouble(r, t));
                    }
                }
            }
        }
        assertEquals(10, window, "0, 10, ..., 80 and the last moved back to 82");
        for (int p = 0; p < 102; p++) {
            assertEquals(1, scoredTimes[p], "character " + (p + 1) + " is scored once");
        }
        sliding.reset();
        assertEquals(4, sliding.next().numExamples(), "reset starts again at the first window");
    }
}
