package net.dl4jnets.web.playground;

import net.dl4jnets.web.WebServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/** A plain HTTP client for the playground server's API in tests. */
final class Http {
    record Reply(int status, String body) {
        JsonObject json() {
            return JsonParser.parseString(body).getAsJsonObject();
        }

        String error() {
            return json().get("error").getAsString();
        }
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    Http(WebServer server) {
        this("http://127.0.0.1:" + server.port());
    }

    Http(String base) {
        this.base = base.replaceFirst("/$", "");
    }

    Reply send(String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (!method.equals("GET")) { // as the page sends it
            b.header("Content-Type", path.contains("/data") ? "text/csv" : "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body());
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(method + " " + path + " got no answer: " + e, e);
        }
    }

    Reply get(String path) {
        return send("GET", path, null);
    }

    Reply post(String path, String body) {
        return send("POST", path, body);
    }

    /** A new session with these settings (null: the defaults); its id. */
    String session(String specJson) {
        Reply r = post("/api/sessions", specJson == null ? "" : specJson);
        if (r.status() != 200) {
            throw new AssertionError("session refused: " + r);
        }
        return r.json().get("id").getAsString();
    }

    JsonObject state(String id) {
        return get("/api/sessions/" + id + "/state").json();
    }
}
