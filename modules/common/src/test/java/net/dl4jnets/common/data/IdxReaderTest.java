package net.dl4jnets.common.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dl4jnets.common.io.UserError;

class IdxReaderTest {
    @TempDir
    Path dir;

    @Test
    void readsPlainAndGzippedFilesAlike() throws IOException {
        byte[] content = IdxFixtures.images(3);
        Path plain = IdxFixtures.write(dir.resolve("a"), content, false);
        Path gz = IdxFixtures.write(dir.resolve("b.gz"), content, true);
        IdxReader.Images a = IdxReader.readImages(plain, 28, 28, null);
        IdxReader.Images b = IdxReader.readImages(gz, 28, 28, IdxReader.sha256(plain));
        assertEquals(3, a.count());
        assertArrayEquals(a.pixels(), b.pixels());
        assertEquals((byte) ((2 * 37 + 5) & 0xFF), a.pixels()[2 * 784 + 5]);
        assertArrayEquals(new byte[] {0, 9, 4}, IdxReader.readLabels(IdxFixtures.write(dir.resolve("l"),
                IdxFixtures.labels(0, 9, 4), true), 10, null));
    }

    @Test
    void rejectsWrongMagicNumber() throws IOException {
        Path f = IdxFixtures.write(dir.resolve("img"), IdxFixtures.images(2, 28, 28, 2049), false);
        String msg = assertThrows(UserError.class, () -> IdxReader.readImages(f, 28, 28, null)).getMessage();
        assertTrue(msg.contains(f.toString()) && msg.contains("magic number 2049, expected 2051"), msg);
        Path l = IdxFixtures.write(dir.resolve("lab"), IdxFixtures.images(1), false);
        String msg2 = assertThrows(UserError.class, () -> IdxReader.readLabels(l, 10, null)).getMessage();
        assertTrue(msg2.contains("magic number 2051, expected 2049"), msg2);
    }

    /** A header that promises {@code count} items, followed by a few bytes only. */
    static byte[] promising(int magic, int count, boolean image) {
        ByteBuffer b = ByteBuffer.allocate(image ? 16 + 20 : 8 + 20);
        b.putInt(magic).putInt(count);
        if (image) {
            b.putInt(28).putInt(28);
        }
        return b.array();
    }

    @Test
    void aHeaderThatPromisesMoreThanTheFileHoldsIsRejectedBeforeAllocating() throws IOException {
        for (boolean gz : new boolean[] {false, true}) {
            Path labels = IdxFixtures.write(dir.resolve("labels" + gz), promising(2049, Integer.MAX_VALUE, false), gz);
            String m1 = assertThrows(UserError.class, () -> IdxReader.readLabels(labels, 10, null)).getMessage();
            assertTrue(m1.contains(labels.toString()) && m1.contains("2147483647 labels")
                    && m1.contains("header is corrupt"), m1);
            // 3 million images of 28x28 overflow an int: a clear line, not an ArithmeticException
            Path images = IdxFixtures.write(dir.resolve("images" + gz), promising(2051, 3_000_000, true), gz);
            String m2 = assertThrows(UserError.class, () -> IdxReader.readImages(images, 28, 28, null)).getMessage();
            assertTrue(m2.contains("3000000 images of 28x28") && m2.contains("header is corrupt"), m2);
            // within an int, but far beyond the bytes that follow
            Path more = IdxFixtures.write(dir.resolve("more" + gz), promising(2051, 1_000_000, true), gz);
            String m3 = assertThrows(UserError.class, () -> IdxReader.readImages(more, 28, 28, null)).getMessage();
            assertTrue(m3.contains("can hold at most"), m3);
        }
    }

    @Test
    void bytesAfterTheGzipDataAreRejected() throws IOException {
        byte[] gz = IdxFixtures.gzip(IdxFixtures.labels(1, 2, 3));
        byte[] tail = "trailing garbage".getBytes(StandardCharsets.US_ASCII);
        byte[] both = Arrays.copyOf(gz, gz.length + tail.length);
        System.arraycopy(tail, 0, both, gz.length, tail.length);
        Path f = IdxFixtures.write(dir.resolve("labels.gz"), both, false);
        String msg = assertThrows(UserError.class, () -> IdxReader.readLabels(f, 10, null)).getMessage();
        assertTrue(msg.contains(f.toString()) && msg.contains("bytes after the end of its gzip data"), msg);
    }

    @Test
    void rejectsWrongDimensions() throws IOException {
        Path f = IdxFixtures.write(dir.resolve("img"), IdxFixtures.images(2, 32, 32, 2051), false);
        String msg = assertThrows(UserError.class, () -> IdxReader.readImages(f, 28, 28, null)).getMessage();
        assertTrue(msg.contains("images are 32x32, expected 28x28"), msg);
    }

    @Test
    void rejectsTruncatedFiles() throws IOException {
        byte[] full = IdxFixtures.images(3);
        Path f = IdxFixtures.write(dir.resolve("img.gz"), Arrays.copyOf(full, full.length - 100), true);
        String msg = assertThrows(UserError.class, () -> IdxReader.readImages(f, 28, 28, null)).getMessage();
        assertTrue(msg.contains("truncated") && msg.contains("3 images"), msg);
        Path header = IdxFixtures.write(dir.resolve("hdr"), Arrays.copyOf(full, 6), false);
        String msg2 = assertThrows(UserError.class, () -> IdxReader.readImages(header, 28, 28, null)).getMessage();
        assertTrue(msg2.contains("truncated"), msg2);
        // A gzip stream cut in the middle is truncated too, not a cryptic zlib error.
        byte[] gz = IdxFixtures.gzip(full);
        Path cut = IdxFixtures.write(dir.resolve("cut.gz"), Arrays.copyOf(gz, gz.length / 2), false);
        String msg3 = assertThrows(UserError.class, () -> IdxReader.readImages(cut, 28, 28, null)).getMessage();
        assertTrue(msg3.contains(cut.toString()) && msg3.contains("truncated"), msg3);
    }

    @Test
    void rejectsTrailingBytes() throws IOException {
        byte[] full = IdxFixtures.images(1);
        Path f = IdxFixtures.write(dir.resolve("img"), Arrays.copyOf(full, full.length + 10), false);
        String msg = assertThrows(UserError.class, () -> IdxReader.readImages(f, 28, 28, null)).getMessage();
        assertTrue(msg.contains("bytes after the end"), msg);
    }

    @Test
    void rejectsLabelOutsideRange() throws IOException {
        Path f = IdxFixtures.write(dir.resolve("lab"), IdxFixtures.labels(1, 2, 10), false);
        String msg = assertThrows(UserError.class, () -> IdxReader.readLabels(f, 10, null)).getMessage();
        assertTrue(msg.contains("label 10 at index 2 is outside 0-9"), msg);
    }

    @Test
    void rejectsImageAndLabelCountMismatch() throws IOException {
        Path folder = IdxFixtures.fashionFolder(dir.resolve("fm"), new int[] {1, 2, 3}, new int[] {4, 5});
        IdxFixtures.write(folder.resolve("t10k-labels-idx1-ubyte"), IdxFixtures.labels(4, 5, 6), false);
        String msg = assertThrows(UserError.class, () -> FashionMnist.load(folder, "test", false)).getMessage();
        assertTrue(msg.contains("holds 2 images but") && msg.contains("holds 3 labels"), msg);
    }

    @Test
    void rejectsWrongChecksum() throws IOException {
        Path f = IdxFixtures.write(dir.resolve("img.gz"), IdxFixtures.images(2), true);
        String msg = assertThrows(UserError.class,
                () -> IdxReader.readImages(f, 28, 28, FashionMnist.IdxFile.TRAIN_IMAGES.sha256)).getMessage();
        assertTrue(msg.contains(f.toString()) && msg.contains("SHA-256") && msg.contains("expected c59f468a"), msg);
        // The official loader checks every file against its published checksum.
        Path folder = IdxFixtures.fashionFolder(dir.resolve("fm"), new int[] {1}, new int[] {2});
        String msg2 = assertThrows(UserError.class, () -> FashionMnist.load(folder, "test")).getMessage();
        assertTrue(msg2.contains("SHA-256"), msg2);
    }

    @Test
    void missingFileIsNamed() {
        Path f = dir.resolve("nope");
        String msg = assertThrows(UserError.class, () -> IdxReader.readLabels(f, 10, null)).getMessage();
        assertTrue(msg.contains(f + ": no such file"), msg);
    }
}
