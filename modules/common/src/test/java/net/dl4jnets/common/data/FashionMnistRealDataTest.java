package net.dl4jnets.common.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

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
}
