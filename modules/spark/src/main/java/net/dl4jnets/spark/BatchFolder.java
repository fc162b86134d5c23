package net.dl4jnets.spark;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.nd4j.linalg.dataset.DataSet;

import net.dl4jnets.common.io.UserError;

/**
 * A run's training batches in a folder every executor reads (a shared mount, {@code hdfs://}), one file per batch in
 * ND4J's own {@link DataSet#save} format, which dl4j-spark's {@code fitPaths} loads on the executors. This is
 * DL4J's recipe for data on a cluster: the batches are written once and each epoch only their names (a few bytes
 * each) go out in the tasks, in a new order; without augmentation an epoch is the same batches shuffled, as in
 * the DL4J examples. The folder is {@code <base>/<model>-<run>}: a resumed run clears what its killed driver left,
 * and {@link #close} removes it.
 */
final class BatchFolder implements AutoCloseable {
    private final FileSystem fs;
    private final Path dir;
    private final List<String> files = new ArrayList<>();

    BatchFolder(URI base, String name, Configuration hadoop) {
        try {
            this.fs = FileSystem.get(base, hadoop);
            Path parent = new Path(base.toString());
            if (!fs.exists(parent)) {
                throw new UserError("--batch-dir " + base + ": no such folder; create it where every Worker "
                        + "reads it (a shared mount, an hdfs:// path).");
            }
            this.dir = new Path(parent, name);
            fs.delete(dir, true); // a killed driver's batches of this run
            fs.mkdirs(dir);
        } catch (IOException | IllegalArgumentException e) {
            throw new UserError("--batch-dir " + base + ": cannot write there (" + e.getMessage() + ").", e);
        }
    }

    /** Writes one batch and returns its path as the executors will open it. */
    String write(DataSet batch) {
        Path file = new Path(dir, String.format("batch-%06d.bin", files.size()));
        try (OutputStream out = fs.create(file, true)) {
            batch.save(out);
        } catch (IOException e) {
            throw new UserError("--batch-dir: cannot write " + file + " (" + e.getMessage() + ").", e);
        }
        files.add(file.toString());
        return file.toString();
    }

    int size() {
        return files.size();
    }

    /** Every batch written, in an order drawn from {@code seed}. */
    List<String> shuffled(long seed) {
        List<String> order = new ArrayList<>(files);
        Collections.shuffle(order, new Random(seed));
        return order;
    }

    /** Removes the batches, to write a new set. */
    void clear() {
        try {
            fs.delete(dir, true);
            fs.mkdirs(dir);
        } catch (IOException e) {
            throw new UserError("--batch-dir: cannot clear " + dir + " (" + e.getMessage() + ").", e);
        }
        files.clear();
    }

    String location() {
        return dir.toString();
    }

    @Override
    public void close() {
        try {
            fs.delete(dir, true);
        } catch (IOException e) {
            System.err.println("warning: could not delete " + dir + ": " + e.getMessage());
        }
    }
}
