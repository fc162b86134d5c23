package net.dl4jnets.web.playground;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import com.google.gson.Gson;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import net.dl4jnets.common.io.UserError;
import net.dl4jnets.common.train.RunFolder;
import net.dl4jnets.mlp.playground.PlaygroundSpec.BadRequest;
import net.dl4jnets.mlp.playground.PlaygroundSpec;

/**
 * The web playground's HTTP server, on the Vert.x that DL4J's dashboard already brings: the page and its script from
 * the module's resources (no CDN, works offline), and a small JSON API over {@link PlaygroundSession}s, one per tab.
 *
 * <p>Every limit is the server's: settings are checked by {@link PlaygroundSpec#checked}, uploads by
 * {@link PlaygroundData#parseCsv} and the body limit, sessions by {@link Options#maxSessions} and the idle timeout,
 * saves by a count per tab and in all; requests from other sites by {@link #guard}.
 * A bad request gets a 4xx with a message the page shows; nothing a request holds stops the server or another tab.
 */
public final class PlaygroundServer implements AutoCloseable {
    /** Where the server listens and what it allows. */
    public record Options(String host, int port, int maxSessions, long idleSeconds, int trainThreads, Path runs) {
        public Options {
            if (maxSessions < 1 || idleSeconds < 1 || trainThreads < 1) {
                throw new UserError("--max-sessions, --idle-minutes and the training threads must be at least 1.");
            }
            if (port < 0 || port > 65535) {
                throw new UserError("--port must be 0 (any free port) to 65535, got " + port + ".");
            }
        }
    }

    /** Settings and other JSON requests are small; a CSV upload may be up to 1 MB. */
    static final int MAX_JSON_BYTES = 16 * 1024;
    /** Saved runs per tab and per server: a folder of a few kilobytes each (at most 6 layers of 8 neurons). */
    static final int MAX_SAVES_PER_SESSION = 20;
    static final int MAX_SAVES = 200;
    private static final Gson GSON = new Gson();

    private final Options options;
    private final Map<String, PlaygroundSession> sessions = new ConcurrentHashMap<>();
    private final ExecutorService trainers;
    private final Vertx vertx;
    private final HttpServer server;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Resource> resources;
    private final Map<String, AtomicInteger> saves = new ConcurrentHashMap<>();
    private final AtomicInteger savedInAll = new AtomicInteger();
    private volatile Set<String> hosts = Set.of();

    private record Resource(Buffer bytes, String type) {}

    private PlaygroundServer(Options options) {
        this.options = options;
        // Vert.x would otherwise make a .vertx cache folder wherever the command runs; the page is served from memory
        System.setProperty("vertx.disableFileCPResolving", "true");
        System.setProperty("vertx.cacheDirBase", Path.of(System.getProperty("java.io.tmpdir"), "nets-vertx").toString());
        AtomicInteger n = new AtomicInteger();
        this.trainers = Executors.newFixedThreadPool(options.trainThreads(), r -> {
            Thread t = new Thread(r, "playground-training-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.resources = Map.of(
                "/", resource("index.html", "text/html; charset=utf-8"),
                "/playground.js", resource("playground.js", "text/javascript; charset=utf-8"),
                "/playground.css", resource("playground.css", "text/css; charset=utf-8"));
        this.vertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(4).setBlockedThreadCheckInterval(10_000));
        Router router = Router.router(vertx);
        router.route().handler(this::guard);
        router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(PlaygroundData.MAX_UPLOAD_BYTES));
        resources.forEach((path, r) -> router.get(path).handler(ctx -> ctx.response()
                .putHeader("content-type", r.type()).putHeader("cache-control", "no-store").end(r.bytes())));
        router.post("/api/sessions").blockingHandler(ctx -> answer(ctx, this::create), false);
        router.get("/api/sessions/:id/state").handler(ctx -> answer(ctx, c -> session(c).snapshot()));
        router.get("/api/sessions/:id/points").blockingHandler(ctx -> answer(ctx, c -> session(c).points()), false);
        router.get("/api/sessions/:id/code").blockingHandler(ctx -> answer(ctx, c -> GSON.toJson(Map.of("code", session(c).javaCode()))), false);
        router.put("/api/sessions/:id/spec").blockingHandler(ctx -> answer(ctx, c -> {
            PlaygroundSession s = session(c);
            s.update(PlaygroundSpec.parse(json(c)));
            return s.snapshot();
        }), false);
        router.post("/api/sessions/:id/data").blockingHandler(ctx -> answer(ctx, c -> {
            PlaygroundSession s = session(c);
            String problem = c.request().getParam("problem");
            s.upload(PlaygroundData.parseCsv(c.getBodyAsString("UTF-8"), "regression".equalsIgnoreCase(problem)));
            return s.snapshot();
        }), false);
        router.post("/api/sessions/:id/:action").blockingHandler(ctx -> answer(ctx, this::act), false);
        router.delete("/api/sessions/:id").handler(ctx -> answer(ctx, c -> {
            PlaygroundSession s = sessions.remove(c.pathParam("id"));
            saves.remove(c.pathParam("id"));
            if (s != null) {
                s.close();
            }
            return "{}";
        }));
        // what a handler could not answer (the body limit's 413, a failure in Vert.x) still gets a message
        router.route().failureHandler(ctx -> {
            int code = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
            String message = code == 413 ? "The request is larger than the server accepts (1 MB for a CSV file)."
                    : "The server could not answer this request (" + code + ").";
            if (!ctx.response().ended()) {
                error(ctx, code, message);
            }
        });
        this.server = vertx.createHttpServer(new HttpServerOptions().setHost(options.host()).setPort(options.port())
                .setMaxInitialLineLength(4096).setMaxHeaderSize(16 * 1024));
        server.requestHandler(router);
        CompletableFuture<HttpServer> listening = new CompletableFuture<>();
        server.listen(r -> {
            if (r.succeeded()) {
                listening.complete(r.result());
            } else {
                listening.completeExceptionally(r.cause());
            }
        });
        try {
            listening.get(30, TimeUnit.SECONDS);
            hosts = ownHosts(options.host(), server.actualPort());
        } catch (Exception e) {
            close();
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new UserError("The playground cannot listen on " + options.host() + ":" + options.port() + " ("
                    + cause.getMessage() + "): choose another --port or --host.", cause);
        }
        long period = Math.max(1000, Math.min(10_000, options.idleSeconds() * 1000 / 4));
        vertx.setPeriodic(period, t -> expireIdle());
    }

    /**
     * Answers only requests meant for this server, from its own page. A page of another site may send a browser
     * anywhere: a Host that is not the server's own is a DNS-rebinding page and is refused everywhere; a request that
     * changes state must come from the server's own origin (when the browser names one) and carry a JSON (or, for an
     * upload, CSV) body type, which a browser sends to another site only after a preflight this server never grants;
     * a cross-site {@code text/plain} POST, which needs no preflight, is refused.
     */
    private void guard(RoutingContext ctx) {
        String host = ctx.request().host();
        if (host == null || !hosts.contains(host.toLowerCase(Locale.ROOT))) {
            error(ctx, 403, "This playground answers to " + String.join(", ", new TreeSet<>(hosts)) + " only, not to "
                    + "Host " + host + ": open it at " + address() + ", or start it with --host set to this name.");
            return;
        }
        HttpMethod method = ctx.request().method();
        if (method != HttpMethod.GET && method != HttpMethod.HEAD) {
            String origin = ctx.request().getHeader("Origin");
            if (origin != null && !hosts.contains(origin.toLowerCase(Locale.ROOT).replaceFirst("^https?://", ""))) {
                error(ctx, 403, "Requests from another site (" + origin + ") may not change the playground.");
                return;
            }
            String type = String.valueOf(ctx.request().getHeader("Content-Type")).toLowerCase(Locale.ROOT);
            boolean upload = ctx.request().path().endsWith("/data");
            if (!type.startsWith("application/json") && !(upload && type.startsWith("text/csv"))) {
                error(ctx, 415, "Requests that change the playground must be JSON (Content-Type: application/json"
                        + (upload ? ", or text/csv for an upload" : "") + "), got " + type + ".");
                return;
            }
        }
        ctx.next();
    }

    /** The Host values that name this server: its address and port, and for loopback every loopback name. */
    static Set<String> ownHosts(String bound, int port) {
        Set<String> names = new HashSet<>();
        String b = bound.toLowerCase(Locale.ROOT);
        boolean wildcard = b.equals("0.0.0.0") || b.equals("::") || b.equals("[::]");
        if (wildcard || b.equals("127.0.0.1") || b.equals("localhost") || b.equals("::1") || b.equals("[::1]")) {
            names.addAll(List.of("127.0.0.1", "localhost", "[::1]"));
        }
        if (wildcard) { // every name and address of this machine
            try {
                names.add(InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT));
                for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                    for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                        String h = a.getHostAddress().replaceFirst("%.*$", "");
                        names.add(a instanceof Inet6Address ? "[" + h + "]" : h);
                    }
                }
            } catch (IOException e) {
                // the loopback names still serve
            }
        } else {
            names.add(b.contains(":") && !b.startsWith("[") ? "[" + b + "]" : b);
        }
        Set<String> hosts = new HashSet<>();
        for (String n : names) {
            hosts.add(n + ":" + port);
            if (port == 80) {
                hosts.add(n);
            }
        }
        return Set.copyOf(hosts);
    }

    public static PlaygroundServer start(Options options) {
        return new PlaygroundServer(options);
    }

    public int port() {
        return server.actualPort();
    }

    public String address() {
        String host = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
        return "http://" + host + ":" + port() + "/";
    }

    public int sessions() {
        return sessions.size();
    }

    private String create(RoutingContext c) {
        String body = json(c);
        PlaygroundSpec spec = body.isBlank() ? PlaygroundSpec.defaults() : PlaygroundSpec.parse(body);
        synchronized (sessions) {
            if (sessions.size() >= options.maxSessions()) {
                throw new Refused(503, "The playground already runs " + options.maxSessions() + " sessions, its limit: "
                        + "close another tab, or wait for an idle one to be freed (after "
                        + options.idleSeconds() / 60 + " minutes without requests).");
            }
            String id = HexFormat.of().formatHex(bytes(12));
            PlaygroundSession s = new PlaygroundSession(id, spec, trainers);
            sessions.put(id, s);
            return s.snapshot();
        }
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private String act(RoutingContext c) {
        PlaygroundSession s = session(c);
        switch (c.pathParam("action")) {
            case "play" -> s.play();
            case "pause" -> s.pause();
            case "step" -> s.step();
            case "reset" -> s.restart();
            case "save" -> {
                AtomicInteger mine = saves.computeIfAbsent(s.id, k -> new AtomicInteger());
                if (mine.get() >= MAX_SAVES_PER_SESSION) {
                    throw new Refused(429, "This tab has saved " + MAX_SAVES_PER_SESSION + " runs, its limit: the "
                            + "folders are in " + options.runs().resolve("playground") + ".");
                }
                if (savedInAll.incrementAndGet() > MAX_SAVES) {
                    savedInAll.decrementAndGet();
                    throw new Refused(429, "The playground has saved " + MAX_SAVES + " runs since it started, its "
                            + "limit: restart ./nets web to save more.");
                }
                mine.incrementAndGet();
                Path dir = s.save(RunFolder.create(options.runs(), "playground"));
                return GSON.toJson(Map.of("folder", dir.toAbsolutePath().toString()));
            }
            default -> throw new Refused(404, "No such action: " + c.pathParam("action") + ".");
        }
        return s.snapshot();
    }

    private PlaygroundSession session(RoutingContext c) {
        PlaygroundSession s = sessions.get(c.pathParam("id"));
        if (s == null) {
            throw new Refused(404, "This session has ended (idle too long, or the server restarted): reload the page.");
        }
        s.touch();
        return s;
    }

    private static String json(RoutingContext c) {
        Buffer body = c.getBody();
        if (body == null) {
            return "";
        }
        if (body.length() > MAX_JSON_BYTES) {
            throw new Refused(413, "Settings are at most " + MAX_JSON_BYTES / 1024 + " KB of JSON.");
        }
        return body.toString("UTF-8");
    }

    /** Runs a handler and answers: its JSON, or the error's status and message. Never lets an exception out. */
    private static void answer(RoutingContext ctx, Function<RoutingContext, String> handler) {
        try {
            String json = handler.apply(ctx);
            ctx.response().putHeader("content-type", "application/json").putHeader("cache-control", "no-store").end(json);
        } catch (BadRequest e) {
            error(ctx, 400, e.getMessage());
        } catch (Refused e) {
            error(ctx, e.status, e.getMessage());
        } catch (RuntimeException | Error e) {
            // a bug, not the user's doing: the server and the other tabs carry on, the page says what happened
            e.printStackTrace();
            error(ctx, 500, "The server failed on this request (" + e + ").");
        }
    }

    private static void error(RoutingContext ctx, int status, String message) {
        ctx.response().setStatusCode(status).putHeader("content-type", "application/json")
                .end(GSON.toJson(Map.of("error", message)));
    }

    private void expireIdle() {
        long limit = TimeUnit.SECONDS.toNanos(options.idleSeconds());
        sessions.values().removeIf(s -> {
            if (s.idleNanos() > limit) {
                saves.remove(s.id);
                s.close();
                return true;
            }
            return false;
        });
    }

    @Override
    public void close() {
        sessions.values().forEach(PlaygroundSession::close);
        sessions.clear();
        CompletableFuture<Void> done = new CompletableFuture<>();
        vertx.close(r -> done.complete(null));
        try {
            done.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // closing anyway
        }
        trainers.shutdownNow();
    }

    private static Resource resource(String name, String type) {
        try (InputStream in = PlaygroundServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name + " next to " + PlaygroundServer.class.getName());
            }
            return new Resource(Buffer.buffer(in.readAllBytes()), type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A request refused with a status other than 400. */
    static final class Refused extends RuntimeException {
        final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }
    }
}
