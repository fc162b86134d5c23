package net.dl4jnets.common.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import net.dl4jnets.common.io.AtomicFiles;
import net.dl4jnets.common.io.UserError;

/**
 * Downloads a file into a temporary sibling, checks it, and only then renames it into place, so a half-written or
 * corrupt download is never taken for data. Whatever fails, the temporary file is removed.
 */
public final class VerifiedDownload {
    /** Checks a downloaded file; throws {@link UserError} if it is not the expected content. */
    @FunctionalInterface
    public interface Check {
        void verify(Path downloaded);
    }

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(20))
            .build();

    private VerifiedDownload() {}

    /** A check that the file's SHA-256 (after gunzip if it is gzipped) is the given one. */
    public static Check sha256(String expected) {
        return p -> {
            String actual = IdxReader.sha256(p);
            if (!actual.equalsIgnoreCase(expected)) {
                throw new UserError("checksum mismatch: SHA-256 " + actual + ", expected " + expected);
            }
        };
    }

    public static void fetch(URI source, Path target, Check check) {
        try {
            AtomicFiles.write(target, tmp -> download(source, tmp, target, check));
        } catch (UncheckedIOException e) {
            throw new UserError("download of " + source + " failed: " + e.getCause() + ".", e);
        }
    }

    /** Fetches source into tmp and verifies it; any failure is a UserError and leaves target untouched. */
    private static void download(URI source, Path tmp, Path target, Check check) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(source).timeout(Duration.ofMinutes(10)).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("download of " + source + " was interrupted.", e);
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new UserError("download of " + source + " failed: HTTP " + response.statusCode() + ".");
            }
            long expected = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            long got = copyWithProgress(body, tmp, expected, target.getFileName().toString());
            if (expected >= 0 && got != expected) {
                throw new UserError("download of " + source + " was cut short: " + got + " of " + expected + " bytes.");
            }
        }
        try {
            check.verify(tmp);
        } catch (UserError e) {
            throw new UserError("download of " + source + " is not the expected file (" + e.getMessage() + ").");
        }
    }

    private static long copyWithProgress(InputStream in, Path tmp, long total, String name) throws IOException {
        ProgressBarBuilder builder = new ProgressBarBuilder()
                .setTaskName(name)
                .setStyle(ProgressBarStyle.ASCII)
                .setUnit(" MB", 1 << 20)
                .setUpdateIntervalMillis(500)
                .showSpeed();
        builder.setInitialMax(total > 0 ? total : -1);
        long count = 0;
        try (OutputStream out = Files.newOutputStream(tmp); ProgressBar bar = builder.build()) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) != -1) {
                out.write(buf, 0, n);
                count += n;
                bar.stepBy(n);
            }
        }
        return count;
    }
}
