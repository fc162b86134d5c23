package net.dl4jnets.common.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
