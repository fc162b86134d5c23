package net.dl4jnets.common.data;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/** Writes tiny IDX files for tests. Image i has every pixel equal to (i * 37 + k) mod 256 at pixel k. */
public final class IdxFixtures {
    private IdxFixtures() {}

    public static byte[] images(int count, int rows, int cols, int magic) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(magic);
            out.writeInt(count);
            out.writeInt(rows);
            out.writeInt(cols);
            for (int i = 0; i < count; i++) {
                for (int k = 0; k < rows * cols; k++) {
                    out.writeByte((i * 37 + k) & 0xFF);
                }
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] images(int count) {
        return images(count, 28, 28, IdxReader.IMAGES_MAGIC);
    }

    public static byte[] labels(int... labels) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(IdxReader.LABELS_MAGIC);
            out.writeInt(labels.length);
            for (int l : labels) {
                out.writeByte(l);
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Path write(Path file, byte[] content, boolean gzip) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
            out.write(content);
        }
        return file;
    }

    public static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(content);
        }
        return bytes.toByteArray();
    }

    /** A complete Fashion-MNIST-shaped folder (unverifiable checksums) with the given labels for train and test. */
    public static Path fashionFolder(Path dir, int[] trainLabels, int[] testLabels) throws IOException {
        write(dir.resolve("train-images-idx3-ubyte.gz"), images(trainLabels.length), true);
        write(dir.resolve("train-labels-idx1-ubyte.gz"), labels(trainLabels), true);
        write(dir.resolve("t10k-images-idx3-ubyte"), images(testLabels.length), false);
        write(dir.resolve("t10k-labels-idx1-ubyte"), labels(testLabels), false);
        return dir;
    }

    /** A small synthetic dataset in memory: n images, labels cycling 0..9. */
    public static FashionMnist synthetic(int trainCount, int testCount) {
        return new FashionMnist(set(trainCount), set(testCount), "synthetic");
    }

    /** A learnable synthetic dataset: class c lights up every pixel k with k % 10 == c, over a noisy background. */
    public static FashionMnist learnable(int trainCount, int testCount) {
        return new FashionMnist(learnableSet(trainCount, 1), learnableSet(testCount, 2), "learnable synthetic");
    }

    private static ImageSet learnableSet(int n, long seed) {
        Random rng = new Random(seed);
        byte[] px = new byte[n * FashionMnist.PIXELS];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            int c = i % 10;
            labels[i] = (byte) c;
            for (int k = 0; k < FashionMnist.PIXELS; k++) {
                int v = rng.nextInt(90) + (k % 10 == c ? 120 : 0);
                px[i * FashionMnist.PIXELS + k] = (byte) v;
            }
        }
        return new ImageSet(px, labels);
    }

    private static ImageSet set(int n) {
        byte[] px = new byte[n * FashionMnist.PIXELS];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) (i % 10);
            for (int k = 0; k < FashionMnist.PIXELS; k++) {
                px[i * FashionMnist.PIXELS + k] = (byte) ((i * 37 + k) & 0xFF);
            }
        }
        return new ImageSet(px, labels);
    }
}
