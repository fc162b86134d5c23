package net.dl4jnets.common.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;

import net.dl4jnets.common.io.UserError;

/**
 * Reads IDX files (the MNIST format), gzipped or not, and rejects every malformed one with a message that names
 * the file and what is wrong: magic number, dimensions, truncation, trailing bytes, label range, checksum.
 */
public final class IdxReader {
    public static final int IMAGES_MAGIC = 2051;
    public static final int LABELS_MAGIC = 2049;

    private IdxReader() {}

    /** Images as one row-major byte array of {@code count * rows * cols} unsigned pixels. */
    public record Images(byte[] pixels, int count, int rows, int cols) {}

    /**
     * Reads an image file whose images must be {@code rows x cols}.
     *
     * @param expectedSha256 SHA-256 of the decompressed file, or null to skip the check
     */
    public static Images readImages(Path file, int rows, int cols, String expectedSha256) {
        return read(file, expectedSha256, in -> {
            int magic = in.readInt();
            if (magic != IMAGES_MAGIC) {
                throw bad(file, "magic number " + magic + ", expected " + IMAGES_MAGIC + " for an image file");
            }
            int count = in.readInt();
            int r = in.readInt();
            int c = in.readInt();
            if (count < 0) {
                throw bad(file, "negative image count " + count);
            }
            if (r != rows || c != cols) {
                throw bad(file, "images are " + r + "x" + c + ", expected " + rows + "x" + cols);
            }
            byte[] pixels = new byte[Math.multiplyExact(count, rows * cols)];
            readFully(in, pixels, file, count + " images of " + rows + "x" + cols);
            return new Images(pixels, count, rows, cols);
        });
    }

    /** Reads a label file whose labels must lie in {@code [0, numClasses)}. */
    public static byte[] readLabels(Path file, int numClasses, String expectedSha256) {
        return read(file, expectedSha256, in -> {
            int magic = in.readInt();
            if (magic != LABELS_MAGIC) {
                throw bad(file, "magic number " + magic + ", expected " + LABELS_MAGIC + " for a label file");
            }
            int count = in.readInt();
            if (count < 0) {
                throw bad(file, "negative label count " + count);
            }
            byte[] labels = new byte[count];
            readFully(in, labels, file, count + " labels");
            for (int i = 0; i < count; i++) {
                int label = labels[i] & 0xFF;
                if (label >= numClasses) {
                    throw bad(file, "label " + label + " at index " + i + " is outside 0-" + (numClasses - 1));
                }
            }
            return labels;
        });
    }

    /** SHA-256 of a file's decompressed content, as lower-case hex. */
    public static String sha256(Path file) {
        return parse(file, in -> {
            in.transferTo(OutputStream.nullOutputStream());
            return null;
        }).sha256();
    }

    private interface Body<T> {
        T read(DataInputStream in) throws IOException;
    }

    private record Parsed<T>(T value, String sha256) {}

    private static <T> T read(Path file, String expectedSha256, Body<T> body) {
        Parsed<T> parsed = parse(file, body);
        if (expectedSha256 != null && !expectedSha256.equalsIgnoreCase(parsed.sha256())) {
            throw new UserError(file + ": SHA-256 of its content is " + parsed.sha256() + ", expected "
                    + expectedSha256 + ". The file is corrupt or not the official one; delete it and fetch it again.");
        }
        return parsed.value();
    }

    /** Runs body over the decompressed stream, insists that it consumed all of it, and digests it. */
    private static <T> Parsed<T> parse(Path file, Body<T> body) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        T value;
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
             InputStream plain = maybeGunzip(raw);
             DataInputStream in = new DataInputStream(new BufferedInputStream(new DigestInputStream(plain, sha), 1 << 16))) {
            value = body.read(in);
            if (in.read() != -1) {
                throw bad(file, "has bytes after the end of its data; it is not a valid IDX file");
            }
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": no such file.");
        } catch (EOFException e) {
            throw bad(file, "is truncated: it ends before its header or data is complete");
        } catch (IOException e) {
            throw new UserError(file + ": cannot be read (" + e.getMessage() + ").", e);
        }
        return new Parsed<>(value, HexFormat.of().formatHex(sha.digest()));
    }

    private static InputStream maybeGunzip(InputStream raw) throws IOException {
        raw.mark(2);
        int b1 = raw.read();
        int b2 = raw.read();
        raw.reset();
        if (b1 == 0x1f && b2 == 0x8b) {
            return new GZIPInputStream(raw, 1 << 16);
        }
        return raw;
    }

    private static void readFully(DataInputStream in, byte[] into, Path file, String what) throws IOException {
        try {
            in.readFully(into);
        } catch (EOFException e) {
            throw bad(file, "is truncated: its header promises " + what + " but the data ends early");
        }
    }

    private static UserError bad(Path file, String what) {
        return new UserError(file + ": " + what + ".");
    }
}
