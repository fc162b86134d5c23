package net.dl4jnets.web;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import net.dl4jnets.common.io.UserError;
import net.dl4jnets.web.models.ModelsApi;
import net.dl4jnets.web.playground.PlaygroundApi;
import net.dl4jnets.web.text.TextApi;
import net.dl4jnets.web.train.TrainApi;

/**
 * The course's web server, on the Vert.x that DL4J's dashboard already brings: the home page with the five weeks,
 * the playground ({@code /playground/}), "try a trained model" ({@code /try/}), "train and watch" ({@code /train/})
 * and text generation ({@code /generate/}), each a page from this module's
 * resources and a small JSON API. Every limit is the server's own, and {@link #guard} refuses requests from other
 * sites; a bad request gets a 4xx with a message the page shows, and nothing a request holds stops the server.
 */
public final class WebServer implements AutoCloseable {
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

    /** The largest request body: a CSV file of points or an image to classify. */
    public static final int MAX_UPLOAD_BYTES = 1024 * 1024;

    private final Options options;
    private final Vertx vertx;
    private final HttpServer server;
    private final PlaygroundApi playground;
    private final TextApi text;
    private final TrainApi train;
    private volatile Set<String> hosts = Set.of();

    private WebServer(Options options) {
        this.options = options;
        // Vert.x would otherwise make a .vertx cache folder wherever the command runs; the pages are served from memory
        System.setProperty("vertx.disableFileCPResolving", "true");
        System.setProperty("vertx.cacheDirBase", Path.of(System.getProperty("java.io.tmpdir"), "nets-vertx").toString());
        this.vertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(4).setBlockedThreadCheckInterval(10_000));
        Router router = Router.router(vertx);
        router.route().handler(this::guard);
        router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(MAX_UPLOAD_BYTES));
        Api.page(router, "/", WebServer.class, "index.html", "home.css");
        this.playground = new PlaygroundApi(options.maxSessions(), options.idleSeconds(), options.trainThreads(),
                options.runs());
        playground.mount(vertx, router);
        new ModelsApi(options.runs()).mount(router);
        this.text = new TextApi(options.runs());
        text.mount(vertx, router);
        this.train = new TrainApi(options.runs());
        train.mount(router);
        // what a handler could not answer (the body limit's 413, a failure in Vert.x) still gets a message
        router.route().failureHandler(ctx -> {
            int code = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
            String message = code == 413 ? "The request is larger than the server accepts (1 MB for a file)."
                    : "The server could not answer this request (" + code + ").";
            if (!ctx.response().ended()) {
                Api.error(ctx, code, message);
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
            throw new UserError("The web server cannot listen on " + options.host() + ":" + options.port() + " ("
                    + cause.getMessage() + "): choose another --port or --host.", cause);
        }
    }

    public static WebServer start(Options options) {
        return new WebServer(options);
    }

    public int port() {
        return server.actualPort();
    }

    /** The home page's address. */
    public String address() {
        String host = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
        return "http://" + host + ":" + port() + "/";
    }

    /** Playground tabs open now. */
    public int sessions() {
        return playground.sessions();
    }

    /**
     * Answers only requests meant for this server, from its own pages. A page of another site may send a browser
     * anywhere: a Host that is not the server's own is a DNS-rebinding page and is refused everywhere; a request that
     * changes state must come from the server's own origin (when the browser names one) and carry a JSON body type
     * (or, for an upload, the file's: CSV, PNG, JPEG), which a browser sends to another site only after a preflight
     * this server never grants; a cross-site {@code text/plain} POST, which needs no preflight, is refused.
     */
    private void guard(RoutingContext ctx) {
        String host = ctx.request().host();
        if (host == null || !hosts.contains(host.toLowerCase(Locale.ROOT))) {
            Api.error(ctx, 403, "This server answers to " + String.join(", ", new TreeSet<>(hosts)) + " only, not to "
                    + "Host " + host + ": open it at " + address() + ", or start it with --host set to this name.");
            return;
        }
        HttpMethod method = ctx.request().method();
        if (method != HttpMethod.GET && method != HttpMethod.HEAD) {
            String origin = ctx.request().getHeader("Origin");
            if (origin != null && !hosts.contains(origin.toLowerCase(Locale.ROOT).replaceFirst("^https?://", ""))) {
                Api.error(ctx, 403, "Requests from another site (" + origin + ") may not change anything here.");
                return;
            }
            String type = String.valueOf(ctx.request().getHeader("Content-Type")).toLowerCase(Locale.ROOT);
            String path = ctx.request().path();
            List<String> files = path.endsWith("/data") ? List.of("text/csv")
                    : path.endsWith("/image") ? List.of("image/png", "image/jpeg") : List.of();
            if (!type.startsWith("application/json") && files.stream().noneMatch(type::startsWith)) {
                Api.error(ctx, 415, "Requests that change anything here must be JSON (Content-Type: application/json"
                        + (files.isEmpty() ? "" : ", or " + String.join(" or ", files) + " for an upload") + "), got "
                        + type + ".");
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

    @Override
    public void close() {
        if (playground != null) {
            playground.close();
        }
        if (text != null) {
            text.close();
        }
        if (train != null) {
            train.close();
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        vertx.close(r -> done.complete(null));
        try {
            done.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // closing anyway
        }
    }
}
