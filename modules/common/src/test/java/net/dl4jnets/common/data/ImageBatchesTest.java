package net.dl4jnets.common.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import net.dl4jnets.common.backend.Backend;

class ImageBatchesTest {
    static final FashionMnist DATA = IdxFixtures.synthetic(200, 50);

    @BeforeAll
    static void backend() {
        Backend.start(1, Backend.Workload.DENSE);
    }

    static ImageBatches batches(Layout layout, boolean shuffle, long seed) {
        return new ImageBatches(DATA.train().all(),
                new ImageBatches.Options(layout, 32, shuffle, seed, null, Augmentation.NONE));
    }

    @Test
    void threeLayoutsHaveTheirShapesAndTheSamePixels() {
        DataSet dense = batches(Layout.DENSE, false, 1).next();
        DataSet conv = batches(Layout.CONV, false, 1).next();
        DataSet seq = batches(Layout.SEQUENCE, false, 1).next();
        assertArrayEquals(new long[] {32, 784}, dense.getFeatures().shape());
        assertArrayEquals(new long[] {32, 1, 28, 28}, conv.getFeatures().shape());
        assertArrayEquals(new long[] {32, 28, 28}, seq.getFeatures().shape());
        assertArrayEquals(new long[] {32, 10}, dense.getLabels().shape());
        // image 3, row 5, column 7: the same pixel in each layout (sequence: feature = column, time = row)
        float expected = ((3 * 37 + 5 * 28 + 7) & 0xFF) / 255f;
        assertEquals(expected, dense.getFeatures().getFloat(3, 5 * 28 + 7), 1e-6);
        assertEquals(expected, conv.getFeatures().getFloat(3, 0, 5, 7), 1e-6);
        assertEquals(expected, seq.getFeatures().getFloat(3, 7, 5), 1e-6);
        assertEquals(1f, dense.getLabels().getFloat(3, 3));
        assertEquals(1f, dense.getLabels().sumNumber().floatValue() / 32f, 1e-6);
    }

    @Test
    void pixelsLieInUnitRangeOrAreStandardised() {
        ImageBatches it = batches(Layout.DENSE, true, 1);
        while (it.hasNext()) {
            INDArray f = it.next().getFeatures();
            assertTrue(f.minNumber().doubleValue() >= 0 && f.maxNumber().doubleValue() <= 1);
        }
        double[] ms = DATA.train().all().pixelMeanStd();
        ImageBatches std = new ImageBatches(DATA.train().all(),
                new ImageBatches.Options(Layout.DENSE, 200, false, 1, ms, null));
        INDArray all = std.next().getFeatures();
        assertEquals(0, all.meanNumber().doubleValue(), 1e-4);
        assertEquals(1, all.stdNumber().doubleValue(), 1e-2);
    }

    private static List<Integer> firstLabels(ImageBatches it) {
        List<Integer> out = new ArrayList<>();
        INDArray labels = it.next().getLabels();
        for (int i = 0; i < labels.rows(); i++) {
            out.add(labels.getRow(i).argMax().getInt(0));
        }
        INDArray f = it.next().getFeatures();
        out.add((int) (f.getFloat(0, 0) * 255));
        return out;
    }

    @Test
    void shuffleIsDeterministicPerSeedAndChangesEachEpoch() {
        assertEquals(firstLabels(batches(Layout.DENSE, true, 7)), firstLabels(batches(Layout.DENSE, true, 7)));
        assertNotEquals(firstLabels(batches(Layout.DENSE, true, 7)), firstLabels(batches(Layout.DENSE, true, 8)));
        ImageBatches it = batches(Layout.DENSE, true, 7);
        List<Integer> epoch0 = firstLabels(it);
        it.reset();
        assertNotEquals(epoch0, firstLabels(it));
        it.setEpoch(0);
        assertEquals(epoch0, firstLabels(it));
    }

    @Test
    void everyImageOnceAnEpoch() {
        ImageBatches it = batches(Layout.DENSE, true, 3);
        int seen = 0;
        int batches = 0;
        while (it.hasNext()) {
            seen += it.next().numExamples();
            batches++;
        }
        assertEquals(200, seen);
        assertEquals(7, batches);
        assertEquals(7, it.batchesPerEpoch());
    }

    @Test
    void validationIsHeldOutOfTrainingAndLimitShrinks() {
        FashionMnist.Split split = DATA.split(40, 0, 5);
        Set<Integer> train = new HashSet<>();
        for (int i : split.train().indices()) {
            train.add(i);
        }
        for (int i : split.validation().indices()) {
            assertFalse(train.contains(i), "image " + i + " is in both");
        }
        assertEquals(160, split.train().size());
        assertEquals(40, split.validation().size());
        assertEquals(50, split.test().size());
        assertEquals(100, DATA.split(40, 100, 5).train().size());
    }

    @Test
    void flipMirrorsAnAsymmetricImage() {
        float[] img = new float[784];
        img[3 * 28 + 2] = 1f; // row 3, column 2
        new Augmentation(true, 0).apply(img, 0, new float[784], 0f, new Random(0) {
            @Override
            public boolean nextBoolean() {
                return true;
            }
        });
        assertEquals(1f, img[3 * 28 + 25]);
        assertEquals(1f, sum(img));
    }

    @Test
    void shiftMovesAndPadsWithBackground() {
        float[] img = new float[784];
        for (int i = 0; i < 784; i++) {
            img[i] = 1f;
        }
        new Augmentation(false, 2).apply(img, 0, new float[784], -0.5f, new Random(11));
        float total = sum(img);
        assertTrue(total < 784, "some pixels became background: " + total);
    }

    @ParameterizedTest
    @CsvSource({"14, 14, 64", "0, 0, 16", "27, 5, 40"}) // centre row, column; pixels blanked (clipped at the edges)
    void cutoutBlanksASquareClippedToTheImage(int row, int col, int blanked) {
        float[] img = new float[784];
        Arrays.fill(img, 1f);
        int[] centre = {row, col};
        new Augmentation(false, 0, 8).apply(img, 0, new float[784], -0.5f, new Random(0) {
            int draws;

            @Override
            public int nextInt(int bound) {
                return centre[draws++];
            }
        });
        int background = 0;
        for (int r = 0; r < 28; r++) {
            for (int c = 0; c < 28; c++) {
                boolean inside = r >= row - 4 && r < row + 4 && c >= col - 4 && c < col + 4;
                assertEquals(inside ? -0.5f : 1f, img[r * 28 + c], "row " + r + ", column " + c);
                background += inside ? 1 : 0;
            }
        }
        assertEquals(blanked, background);
    }

    @Test
    void augmentationKeepsLabelsAndSkipsEvaluation() {
        ImageBatches.Options opts = new ImageBatches.Options(Layout.DENSE, 50, true, 4, null, new Augmentation(true, 3));
        DataSet plain = new ImageBatches(DATA.train().all(),
                new ImageBatches.Options(Layout.DENSE, 50, true, 4, null, null)).next();
        DataSet augmented = new ImageBatches(DATA.train().all(), opts).next();
        assertEquals(plain.getLabels(), augmented.getLabels());
        assertNotEquals(plain.getFeatures(), augmented.getFeatures());
        DataSet eval = new ImageBatches(DATA.train().all(), opts.forEvaluation()).next();
        DataSet inOrder = new ImageBatches(DATA.train().all(),
                new ImageBatches.Options(Layout.DENSE, 50, false, 4, null, null)).next();
        assertEquals(inOrder.getFeatures(), eval.getFeatures());
    }

    @Test
    void labelSmoothingSpreadsTrainingTargetsAndLeavesEvaluationOneHot() {
        ImageBatches.Options opts = new ImageBatches.Options(Layout.DENSE, 50, true, 4, null,
                new Augmentation(false, 0, 0, 0.1));
        DataSet oneHot = new ImageBatches(DATA.train().all(),
                new ImageBatches.Options(Layout.DENSE, 50, true, 4, null, null)).next();
        DataSet smoothed = new ImageBatches(DATA.train().all(), opts).next();
        assertEquals(oneHot.getFeatures(), smoothed.getFeatures(), "smoothing moved pixels");
        for (int b = 0; b < 50; b++) {
            int label = oneHot.getLabels().getRow(b).argMax().getInt(0);
            assertEquals(label, smoothed.getLabels().getRow(b).argMax().getInt(0));
            assertEquals(1.0, smoothed.getLabels().getRow(b).sumNumber().doubleValue(), 1e-5);
            for (int k = 0; k < FashionMnist.CLASSES; k++) {
                assertEquals(k == label ? 0.91f : 0.01f, smoothed.getLabels().getFloat(b, k), 1e-6f);
            }
        }
        DataSet eval = new ImageBatches(DATA.train().all(), opts.forEvaluation()).next();
        assertEquals(50.0, eval.getLabels().sumNumber().doubleValue(), 0.0);
        assertEquals(50, eval.getLabels().eq(1.0).castTo(DataType.INT).sumNumber().intValue());
    }

    @Test
    void mirroredBatchesAreTheEvaluationBatchesReversedLeftRight() {
        // Training augmentation in the options must not leak into either view.
        ImageBatches.Options opts = new ImageBatches.Options(Layout.CONV, 50, true, 4, null, new Augmentation(true, 3));
        ImageBatches plain = new ImageBatches(DATA.train().all(), opts.forEvaluation());
        ImageBatches mirrored = ImageBatches.mirrored(DATA.train().all(), opts);
        int batches = 0;
        while (plain.hasNext()) {
            DataSet p = plain.next();
            DataSet m = mirrored.next();
            assertEquals(p.getLabels(), m.getLabels());
            for (int b = 0; b < p.numExamples(); b += 7) {
                for (int col = 0; col < 28; col++) {
                    assertEquals(p.getFeatures().getFloat(b, 0, 9, col), m.getFeatures().getFloat(b, 0, 9, 27 - col));
                }
            }
            assertNotEquals(p.getFeatures(), m.getFeatures());
            batches++;
        }
        assertFalse(mirrored.hasNext());
        assertEquals(4, batches);
    }

    private static float sum(float[] a) {
        float s = 0;
        for (float v : a) {
            s += v;
        }
        return s;
    }
}
