package net.dl4jnets.common.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
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
            byte[] pixels = new byte[checkedSize(file, (long) count * rows * cols, count + " images of " + rows + "x" + cols,
                    in)];
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
            byte[] labels = new byte[checkedSize(file, count, count + " labels", in)];
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

    /** A well-formed file whose content is not the expected one; says which checksum it has. */
    public static final class ChecksumMismatch extends UserError {
        private final String actual;

        ChecksumMismatch(Path file, String actual, String expected) {
            super(file + ": SHA-256 of its content is " + actual + ", expected " + expected
                    + ". The file is corrupt or not the official one; delete it and fetch it again.");
            this.actual = actual;
        }

        public String actual() {
            return actual;
        }
    }

    /** SHA-256 of a file's decompressed content, as lower-case hex. */
    public static String sha256(Path file) {
        return parse(file, in -> {
            in.transferTo(OutputStream.nullOutputStream());
            return null;
        }).sha256();
    }

    /** The most data bytes one file may promise: a Java array's limit. */
    static final long MAX_DATA_BYTES = Integer.MAX_VALUE - 16;
    /** DEFLATE cannot compress better than about 1032:1, so a gzip file of n bytes holds at most this many. */
    static final long MAX_GZIP_RATIO = 1032;

    private interface Body<T> {
        T read(Bounded in) throws IOException;
    }

    /** The decompressed stream, and how many data bytes can follow the header at most. */
    private static final class Bounded extends DataInputStream {
        final long maxBytes;

        Bounded(InputStream in, long maxBytes) {
            super(in);
            this.maxBytes = maxBytes;
        }
    }

    /**
     * The size the header promises, as an array length, once it is known that the file can hold it: nothing is
     * allocated for a count that the file's own length contradicts.
     */
    private static int checkedSize(Path file, long bytes, String what, DataInputStream in) {
        long max = ((Bounded) in).maxBytes;
        if (bytes > MAX_DATA_BYTES) {
            throw bad(file, "its header promises " + what + " (" + bytes + " bytes), more than any IDX file here can "
                    + "hold; the header is corrupt");
        }
        if (bytes > max) {
            throw bad(file, "is truncated or its header is corrupt: the header promises " + what + " (" + bytes
                    + " bytes) but the file can hold at most " + max);
        }
        return (int) bytes;
    }

    private record Parsed<T>(T value, String sha256) {}

    private static <T> T read(Path file, String expectedSha256, Body<T> body) {
        Parsed<T> parsed = parse(file, body);
        if (expectedSha256 != null && !expectedSha256.equalsIgnoreCase(parsed.sha256())) {
            throw new ChecksumMismatch(file, parsed.sha256(), expectedSha256);
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
             CountingStream counted = new CountingStream(new DigestInputStream(plain, sha));
             Bounded in = new Bounded(new BufferedInputStream(counted, 1 << 16), maxDataBytes(file, plain != raw))) {
            value = body.read(in);
            if (in.read() != -1) {
                throw bad(file, "has bytes after the end of its data; it is not a valid IDX file");
            }
            if (plain != raw) {
                checkGzipTrailer(file, counted.count);
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

    /** How many data bytes can follow an IDX header in this file (headers are at least 8 bytes). */
    private static long maxDataBytes(Path file, boolean gzipped) throws IOException {
        long size = Files.size(file);
        return gzipped ? size * MAX_GZIP_RATIO : Math.max(0, size - 8);
    }

    /**
     * Java's GZIPInputStream ignores whatever follows the first gzip member if it is not another member. The gzip
     * trailer's last four bytes give the decompressed size modulo 2^32: anything appended to the file breaks it.
     */
    private static void checkGzipTrailer(Path file, long decompressed) throws IOException {
        long size = Files.size(file);
        byte[] tail = new byte[4];
        try (var ch = Files.newByteChannel(file)) {
            ch.position(size - 4);
            ch.read(ByteBuffer.wrap(tail));
        }
        long isize = (tail[0] & 0xFFL) | (tail[1] & 0xFFL) << 8 | (tail[2] & 0xFFL) << 16 | (tail[3] & 0xFFL) << 24;
        if (isize != (decompressed & 0xFFFFFFFFL)) {
            throw bad(file, "has bytes after the end of its gzip data (or is several gzip members); it is not a valid "
                    + "IDX file");
        }
    }

    /** Counts the bytes read through it. */
    private static final class CountingStream extends FilterInputStream {
        long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
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
