package net.dl4jnets.spark;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

import net.dl4jnets.common.data.FashionMnist;
import net.dl4jnets.common.io.UserError;

/**
 * Fashion-MNIST from a file system Hadoop reaches (HDFS, a shared folder; the jar carries no S3A client): the driver
 * copies the four files, plain or gzipped, into a local folder, where the common loader checks them as it checks any
 * copy. Only the driver reads them; the executors get batches.
 */
final class HadoopData {
    private HadoopData() {}

    static Path fetch(URI url, Configuration hadoop) {
        try {
            FileSystem fs = FileSystem.get(url, hadoop);
            Path local = Files.createTempDirectory("nets-fashion-mnist");
            local.toFile().deleteOnExit();
            for (FashionMnist.IdxFile f : FashionMnist.IdxFile.values()) {
                org.apache.hadoop.fs.Path plain = new org.apache.hadoop.fs.Path(url.toString(), f.baseName);
                org.apache.hadoop.fs.Path gz = new org.apache.hadoop.fs.Path(url.toString(), f.baseName + ".gz");
                org.apache.hadoop.fs.Path src = fs.exists(plain) ? plain : gz;
                if (!fs.exists(src)) {
                    throw new UserError("--data-url " + url + ": neither " + f.baseName + " nor " + f.baseName
                            + ".gz is there; put the four Fashion-MNIST files in that folder.");
                }
                Path dst = local.resolve(src.getName());
                fs.copyToLocalFile(false, src, new org.apache.hadoop.fs.Path(dst.toUri()), true);
                dst.toFile().deleteOnExit();
            }
            return local;
        } catch (FileNotFoundException e) {
            throw new UserError("--data-url " + url + ": no such folder (" + e.getMessage() + ").", e);
        } catch (IOException | IllegalArgumentException e) {
            throw new UserError("--data-url " + url + ": cannot read it (" + e.getMessage() + "); check the address "
                    + "and that this machine has the file system's client settings (HADOOP_CONF_DIR).", e);
        }
    }
}
