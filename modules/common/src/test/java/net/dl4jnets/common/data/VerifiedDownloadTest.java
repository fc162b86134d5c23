package net.dl4jnets.common.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dl4jnets.common.io.UserError;

class VerifiedDownloadTest {
    @TempDir
    Path dir;
    LoopbackServer server;
    byte[] payload;
    byte[] gz;
    String sha;

    @BeforeEach
    void start() throws IOException {
        server = new LoopbackServer();
        payload = IdxFixtures.images(20);
        gz = IdxFixtures.gzip(payload);
        Path plain = IdxFixtures.write(dir.resolve("reference"), payload, false);
        sha = IdxReader.sha256(plain);
        Files.delete(plain);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    @Test
    void goodFileLandsUnderItsName() throws IOException {
        server.serve("/f.gz", LoopbackServer.Reply.full(gz));
        Path target = dir.resolve("f.gz");
        VerifiedDownload.fetch(server.uri("/f.gz"), target, VerifiedDownload.sha256(sha));
        assertArrayEquals(gz, Files.readAllBytes(target));
        assertEquals(List.of(target), files());
    }

    @Test
    void corruptedBytesAreRejectedAndLeaveNothing() throws IOException {
        byte[] bad = IdxFixtures.gzip(IdxFixtures.images(21));
        server.serve("/f.gz", LoopbackServer.Reply.full(bad));
        Path target = dir.resolve("f.gz");
        String msg = assertThrows(UserError.class,
                () -> VerifiedDownload.fetch(server.uri("/f.gz"), target, VerifiedDownload.sha256(sha))).getMessage();
        assertTrue(msg.contains("not the expected file") && msg.contains("SHA-256"), msg);
        assertEquals(List.of(), files());
    }

    @Test
    void truncatedBodyIsRejectedAndLeavesNothing() throws IOException {
        server.serve("/f.gz", new LoopbackServer.Reply(gz, gz.length / 2));
        Path target = dir.resolve("f.gz");
        UserError e = assertThrows(UserError.class,
                () -> VerifiedDownload.fetch(server.uri("/f.gz"), target, VerifiedDownload.sha256(sha)));
        assertTrue(e.getMessage().contains(server.uri("/f.gz").toString()), e.getMessage());
        assertEquals(List.of(), files());
    }

    @Test
    void notFoundIsReportedAndLeavesNothing() throws IOException {
        Path target = dir.resolve("f.gz");
        String msg = assertThrows(UserError.class,
                () -> VerifiedDownload.fetch(server.uri("/missing.gz"), target, VerifiedDownload.sha256(sha))).getMessage();
        assertTrue(msg.contains("HTTP 404"), msg);
        assertEquals(List.of(), files());
    }

    @Test
    void locatorDownloadsTheRealFilesFromAMirrorAndVerifiesThem() throws IOException {
        // The real .gz files (installed by CI) served over loopback: the full path of a first run without data.
        Path source = FashionMnistLocator.standard(null).locate().dir();
        for (FashionMnist.IdxFile f : FashionMnist.IdxFile.values()) {
            Path p = f.find(source);
            byte[] bytes = p.toString().endsWith(".gz") ? Files.readAllBytes(p) : IdxFixtures.gzip(Files.readAllBytes(p));
            server.serve("/mirror/" + f.baseName + ".gz", LoopbackServer.Reply.full(bytes));
        }
        Path project = dir.resolve("data/fashion-mnist");
        FashionMnistLocator locator = new FashionMnistLocator(null, project, dir.resolve("no-debian"),
                server.uri("/mirror/"));
        FashionMnistLocator.Found found = locator.locate();
        assertEquals(project, found.dir());
        assertTrue(found.source().startsWith("downloaded from"), found.source());
        assertEquals(10_000, FashionMnist.load(found.dir(), found.source()).test().size());
    }

    @Test
    void locatorExplainsEveryWayToFixAFailedDownload() {
        Path project = dir.resolve("data/fashion-mnist");
        FashionMnistLocator locator = new FashionMnistLocator(null, project, dir.resolve("no-debian"),
                server.uri("/empty/"));
        String msg = assertThrows(UserError.class, locator::locate).getMessage();
        assertTrue(msg.contains("HTTP 404") && msg.contains("apt-get install dataset-fashion-mnist")
                && msg.contains("--data-dir"), msg);
    }

    @Test
    void explicitFolderMustHoldTheFiles() {
        FashionMnistLocator locator = new FashionMnistLocator(dir, dir.resolve("p"), dir.resolve("d"),
                server.uri("/"));
        String msg = assertThrows(UserError.class, locator::locate).getMessage();
        assertTrue(msg.contains(dir.toString()) && msg.contains("train-images-idx3-ubyte"), msg);
    }
}
