package net.dl4jnets.common.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The one way the suite writes a file that someone will read later (checkpoints, configs, reports, charts,
 * downloads): the content goes to a hidden temporary sibling, is forced to disk, and is renamed over the target in
 * one step, then the folder is forced too. Whenever the process dies, the target is the old file or the new one,
 * never a torn one.
 */
public final class AtomicFiles {
    /** Writes a file's content into the temporary file it is given. */
    @FunctionalInterface
    public interface Writer {
        void write(Path tmp) throws IOException;
    }

    /** Called between the temporary write and the rename; tests use it to simulate a crash there. */
    @FunctionalInterface
    public interface BeforeRename {
        void run(Path tmp) throws IOException;
    }

    private static volatile BeforeRename beforeRename = tmp -> { };

    private AtomicFiles() {}

    /** For tests: what runs just before each rename (null restores the default, nothing). */
    public static void beforeRename(BeforeRename hook) {
        beforeRename = hook == null ? tmp -> { } : hook;
    }

    public static void writeText(String text, Path target) {
        write(target, tmp -> Files.writeString(tmp, text, StandardCharsets.UTF_8));
    }

    /** Writes target through a temporary sibling, fsync and an atomic rename; the temporary file never survives. */
    public static void write(Path target, Writer writer) {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
            writer.write(tmp);
            force(tmp, false);
            beforeRename.run(tmp);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
            force(dir, true);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + target, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a leftover hidden .tmp file is never read
                }
            }
        }
    }

    /**
     * Deletes the temporary files that a killed process left in dir (hidden, ending in .tmp); returns how many. Only
     * for a folder that no other process is writing.
     */
    public static int removeStale(Path dir) {
        int removed = 0;
        try (DirectoryStream<Path> tmps = Files.newDirectoryStream(dir, ".*.tmp")) {
            for (Path p : tmps) {
                if (Files.deleteIfExists(p)) {
                    removed++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not clean " + dir, e);
        }
        return removed;
    }

    /** Forces a file's content, or a folder's entries, to the disk. */
    private static void force(Path path, boolean directory) throws IOException {
        try (FileChannel ch = FileChannel.open(path, directory ? StandardOpenOption.READ : StandardOpenOption.WRITE)) {
            ch.force(true);
        } catch (IOException e) {
            if (!directory) {
                throw e;
            }
            // Some file systems (and Windows) cannot open a folder for syncing; the rename itself is still atomic.
        }
    }
}
