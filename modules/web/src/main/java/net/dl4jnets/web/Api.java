package net.dl4jnets.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import com.google.gson.Gson;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import net.dl4jnets.common.io.UserError;
import net.dl4jnets.mlp.playground.PlaygroundSpec.BadRequest;

/** What every page's API shares: JSON answers, errors with a message the page shows, and the pages' own files. */
public final class Api {
    /** Settings and other JSON requests are small. */
    public static final int MAX_JSON_BYTES = 16 * 1024;
    private static final Gson GSON = new Gson();

    private Api() {}

    public static String toJson(Object o) {
        return GSON.toJson(o);
    }

    /** Runs a handler and answers: its JSON, or the error's status and message. Never lets an exception out. */
    public static void answer(RoutingContext ctx, Function<RoutingContext, String> handler) {
        try {
            String json = handler.apply(ctx);
            ctx.response().putHeader("content-type", "application/json").putHeader("cache-control", "no-store").end(json);
        } catch (BadRequest e) {
            error(ctx, 400, e.getMessage());
        } catch (Refused e) {
            error(ctx, e.status, e.getMessage());
        } catch (UserError e) {
            error(ctx, 400, e.getMessage());
        } catch (RuntimeException | Error e) {
            // a bug, not the user's doing: the server and the other tabs carry on, the page says what happened
            e.printStackTrace();
            error(ctx, 500, "The server failed on this request (" + e + ").");
        }
    }

    public static void error(RoutingContext ctx, int status, String message) {
        ctx.response().setStatusCode(status).putHeader("content-type", "application/json")
                .end(GSON.toJson(Map.of("error", message)));
    }

    /** A JSON body of at most {@link #MAX_JSON_BYTES}, or "" if none. */
    public static String json(RoutingContext c) {
        Buffer body = c.getBody();
        if (body == null) {
            return "";
        }
        if (body.length() > MAX_JSON_BYTES) {
            throw new Refused(413, "Settings are at most " + MAX_JSON_BYTES / 1024 + " KB of JSON.");
        }
        return body.toString("UTF-8");
    }

    /**
     * Serves a page's files from the classpath next to {@code owner} at {@code base} ("/playground/": its
     * index.html there, its other files by name), from memory: no CDN, it works offline.
     */
    public static void page(Router router, String base, Class<?> owner, String... files) {
        if (base.length() > 1) { // "/playground" to "/playground/" (a plain route would match both: a loop)
            router.getWithRegex("^" + java.util.regex.Pattern.quote(base.replaceFirst("/$", "")) + "$")
                    .handler(ctx -> ctx.response().setStatusCode(301).putHeader("location", base).end());
        }
        for (String f : files) {
            Buffer bytes = resource(owner, f);
            String type = f.endsWith(".html") ? "text/html; charset=utf-8" : f.endsWith(".js")
                    ? "text/javascript; charset=utf-8" : f.endsWith(".css") ? "text/css; charset=utf-8"
                    : "application/octet-stream";
            router.get(f.equals("index.html") ? base : base + f).handler(ctx -> ctx.response()
                    .putHeader("content-type", type).putHeader("cache-control", "no-store").end(bytes));
        }
    }

    /** Every run folder under {@code runs} ({@code runs/<model>/<run>/}) that holds all the files named. */
    public static List<Path> runFolders(Path runs, String... files) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(runs)) {
            return out;
        }
        try (Stream<Path> models = Files.list(runs)) {
            for (Path model : models.filter(Files::isDirectory).toList()) {
                try (Stream<Path> dirs = Files.list(model)) {
                    dirs.filter(d -> Arrays.stream(files).allMatch(f -> Files.isRegularFile(d.resolve(f))))
                            .forEach(out::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Twelve hex digits of a run folder's path under the runs folder: stable, and no path in a request. */
    public static String runId(Path runs, Path dir) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(runs.relativize(dir).toString()
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Buffer resource(Class<?> owner, String name) {
        try (InputStream in = owner.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name + " next to " + owner.getName());
            }
            return Buffer.buffer(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A request refused with a status other than 400. */
    public static final class Refused extends RuntimeException {
        public final int status;

        public Refused(int status, String message) {
            super(message);
            this.status = status;
        }
    }
}
