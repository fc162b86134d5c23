package net.dl4jnets.common.data;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.sun.net.httpserver.HttpServer;

/**
 * An HTTP server on 127.0.0.1 and a free port, for download tests: no traffic leaves the machine.
 * Each path serves a {@link Reply}; unknown paths get 404.
 */
public final class LoopbackServer implements AutoCloseable {
    /** What a path answers: its body, and how many of its bytes to send before hanging up (truncation). */
    public record Reply(byte[] body, int sendBytes) {
        public static Reply full(byte[] body) {
            return new Reply(body, body.length);
        }
    }

    private final HttpServer server;
    private final Map<String, Reply> replies = new ConcurrentHashMap<>();

    public LoopbackServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            Reply r = replies.get(exchange.getRequestURI().getPath());
            try (exchange) {
                if (r == null) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                exchange.sendResponseHeaders(200, r.body().length);
                OutputStream out = exchange.getResponseBody();
                out.write(r.body(), 0, r.sendBytes());
                out.flush();
            } catch (IOException ignored) {
                // the client hung up or the body was cut on purpose
            }
        });
        server.start();
    }

    public void serve(String path, Reply reply) {
        replies.put(path, reply);
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
