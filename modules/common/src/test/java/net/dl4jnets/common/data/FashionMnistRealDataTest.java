package net.dl4jnets.common.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dl4jnets.common.io.UserError;

/** The real files, which CI installs from the Debian package dataset-fashion-mnist. */
class FashionMnistRealDataTest {
    @Test
    void officialFilesHaveTheirCountsClassesAndChecksums() {
        FashionMnistLocator.Found found = FashionMnistLocator.standard(null).locate();
        for (FashionMnist.IdxFile f : FashionMnist.IdxFile.values()) {
            assertEquals(f.sha256, IdxReader.sha256(f.find(found.dir())), f.baseName);
        }
        FashionMnist data = FashionMnist.load(found.dir(), found.source()); // verifies again while decoding
        assertEquals(60_000, data.train().size());
        assertEquals(10_000, data.test().size());
        int[] sixThousand = new int[10];
        int[] oneThousand = new int[10];
        Arrays.fill(sixThousand, 6_000);
        Arrays.fill(oneThousand, 1_000);
        assertArrayEquals(sixThousand, data.train().all().histogram(10));
        assertArrayEquals(oneThousand, data.test().all().histogram(10));
        assertEquals(60_000L * 784, data.train().pixels().length);
    }

    /** A folder of links to the real files, with some names pointing at other files' content. */
    static Path linked(Path dir, Path real, Map<FashionMnist.IdxFile, FashionMnist.IdxFile> swaps) throws IOException {
        Files.createDirectories(dir);
        for (FashionMnist.IdxFile f : FashionMnist.IdxFile.values()) {
            Path source = swaps.getOrDefault(f, f).find(real);
            Files.createSymbolicLink(dir.resolve(f.baseName + (source.toString().endsWith(".gz") ? ".gz" : "")), source);
        }
        return dir;
    }

    @Test
    void swappedFilesAreCalledSwappedAndABrokenFolderPointsToTheValidCopy(@TempDir Path tmp) throws IOException {
        Path real = FashionMnistLocator.standard(null).locate().dir();
        Path project = linked(tmp.resolve("project"), real,
                Map.of(FashionMnist.IdxFile.TEST_LABELS, FashionMnist.IdxFile.TRAIN_LABELS,
                        FashionMnist.IdxFile.TRAIN_LABELS, FashionMnist.IdxFile.TEST_LABELS));
        FashionMnistLocator locator = new FashionMnistLocator(null, project, real, URI.create("http://127.0.0.1:9/"));
        String msg = assertThrows(UserError.class, locator::load).getMessage();
        assertTrue(msg.contains("labels-idx1-ubyte") && msg.contains("look swapped or misnamed"), msg);
        assertTrue(msg.contains("A valid copy is in " + real), msg);
    }
}
