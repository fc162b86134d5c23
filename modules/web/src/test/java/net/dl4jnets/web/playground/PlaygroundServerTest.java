package net.dl4jnets.web.playground;

import net.dl4jnets.web.WebServer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import net.dl4jnets.mlp.playground.PlaygroundSpec;
import net.dl4jnets.mlp.playground.PlaygroundNetwork;


/** The server without a browser: every limit it enforces, malformed and oversize requests, the session cap and expiry. */
class PlaygroundServerTest {
    @TempDir
    static Path runs;
    static WebServer server;
    static Http http;

    @BeforeAll
    static void start() {
        server = WebServer.start(new WebServer.Options("127.0.0.1", 0, 6, 600, 2, runs));
        http = new Http(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String spec(Function<JsonObject, JsonObject> change) {
        JsonObject o = JsonParser.parseString(PlaygroundSpec.defaults().toJson()).getAsJsonObject();
        return change.apply(o).toString();
    }

    static void refused(String body, String mentions) {
        Http.Reply r = http.post("/api/sessions", body);
        assertEquals(400, r.status(), body + " → " + r);
        assertTrue(r.error().contains(mentions), "message '" + r.error() + "' should mention " + mentions);
    }

    @Test
    void refusesEverySettingOutsideItsLimits() {
        int sessions = server.sessions();
        refused(spec(o -> { o.add("layers", JsonParser.parseString("[1,1,1,1,1,1,1]")); o.add("dropout", JsonParser.parseString("[0,0,0,0,0,0,0]")); return o; }), "hidden layers");
        refused(spec(o -> { o.add("layers", JsonParser.parseString("[9,2]")); return o; }), "neurons");
        refused(spec(o -> { o.add("layers", JsonParser.parseString("[0,2]")); return o; }), "neurons");
        refused(spec(o -> { o.addProperty("batchSize", 31); return o; }), "batchSize");
        refused(spec(o -> { o.addProperty("batchSize", 0); return o; }), "batchSize");
        refused(spec(o -> { o.addProperty("noise", 51); return o; }), "noise");
        refused(spec(o -> { o.addProperty("trainPercent", 5); return o; }), "trainPercent");
        refused(spec(o -> { o.addProperty("learningRate", 0.05); return o; }), "learningRate");
        refused(spec(o -> { o.addProperty("regularizationRate", 0.5); return o; }), "regularizationRate");
        refused(spec(o -> { o.add("features", JsonParser.parseString("[]")); return o; }), "feature");
        refused(spec(o -> { o.add("features", JsonParser.parseString("[\"X\",\"X\"]")); return o; }), "twice");
        refused(spec(o -> { o.addProperty("classes", 3); return o; }), "2 classes");
        refused(spec(o -> { o.addProperty("classes", 6); o.addProperty("dataset", "GAUSS"); return o; }), "classes");
        refused(spec(o -> { o.add("dropout", JsonParser.parseString("[0.5]")); return o; }), "dropout");
        refused(spec(o -> { o.add("dropout", JsonParser.parseString("[0.6, 0]")); return o; }), "dropout must be 0 to 0.5");
        refused(spec(o -> { o.addProperty("activation", "SWISH"); return o; }), "activation");
        refused(spec(o -> { o.addProperty("dataset", "PLANE"); return o; }), "regression");
        refused(spec(o -> { o.addProperty("stopEpochs", -1); return o; }), "stopEpochs");
        refused(spec(o -> { o.addProperty("stopTestLoss", -0.5); return o; }), "stopTestLoss");
        assertEquals(sessions, server.sessions(), "no refused request left a session behind");
    }

    @Test
    void malformedJsonAndUnknownSessionsGetMessages() {
        refused("{\"layers\": [4, 2", "not valid JSON");
        refused("[1, 2, 3]", "not valid JSON");
        refused("{\"problem\": 12}", "problem");
        Http.Reply big = http.post("/api/sessions", "{\"x\": \"" + "a".repeat(20_000) + "\"}");
        assertEquals(413, big.status());
        assertTrue(big.error().contains("KB"), big.error());
        Http.Reply gone = http.get("/api/sessions/nope/state");
        assertEquals(404, gone.status());
        assertTrue(gone.error().contains("reload"), gone.error());
        String id = http.session(null);
        Http.Reply action = http.post("/api/sessions/" + id + "/explode", "");
        assertEquals(404, action.status());
        http.send("DELETE", "/api/sessions/" + id, null);
    }

    @Test
    void uploadsAreCheckedAndAFailedRequestLeavesTrainingRunning() throws Exception {
        String id = http.session(null);
        assertEquals(200, http.post("/api/sessions/" + id + "/play", "").status());
        Http.Reply broken = http.post("/api/sessions/" + id + "/data", "x,y,label\n0.1,0.2,0\n0.3,oops,1\n");
        assertEquals(400, broken.status());
        assertTrue(broken.error().contains("line 3"), broken.error());
        Http.Reply badLabel = http.post("/api/sessions/" + id + "/data", "x,y,label\n0.1,0.2,0\n0.3,0.1,7\n0,0,1\n1,1,0\n");
        assertTrue(badLabel.error().contains("label"), badLabel.error());
        Http.Reply few = http.post("/api/sessions/" + id + "/data", "x,y,label\n0.1,0.2,0\n");
        assertTrue(few.error().contains("at least 4"), few.error());
        Http.Reply oversize = http.post("/api/sessions/" + id + "/data", "x,y,label\n" + "0.1,0.2,0\n".repeat(110_000));
        assertEquals(413, oversize.status());
        assertTrue(oversize.error().contains("1 MB"), oversize.error());
        Http.Reply bad = http.send("PUT", "/api/sessions/" + id + "/spec", spec(o -> { o.addProperty("batchSize", 99); return o; }));
        assertEquals(400, bad.status());
        int before = http.state(id).get("epoch").getAsInt();
        Thread.sleep(1500);
        JsonObject st = http.state(id);
        assertTrue(st.get("epoch").getAsInt() > before, "still training after refused requests: " + before + " → " + st.get("epoch"));
        assertEquals(10, st.getAsJsonObject("spec").get("batchSize").getAsInt(), "the refused setting was not applied");

        StringBuilder csv = new StringBuilder("x,y,label\n");
        for (int i = 0; i < 200; i++) {
            double x = Math.cos(i) * 3;
            double y = Math.sin(i * 1.7) * 3;
            csv.append(x).append(',').append(y).append(',').append(x > 0 ? 1 : 0).append('\n');
        }
        JsonObject up = http.post("/api/sessions/" + id + "/data", csv.toString()).json();
        assertEquals("UPLOAD", up.getAsJsonObject("spec").get("dataset").getAsString());
        assertTrue(up.get("scaleNote").getAsString().contains("scaled"), "points outside the square are scaled, and it says so");
        http.send("DELETE", "/api/sessions/" + id, null);
    }

    @Test
    void aLearningRateChangeKeepsTrainingAndOtherChangesReset() throws Exception {
        String id = http.session(null);
        JsonObject first = http.post("/api/sessions/" + id + "/step", "").json();
        http.post("/api/sessions/" + id + "/step", "");
        JsonObject faster = http.send("PUT", "/api/sessions/" + id + "/spec", spec(o -> { o.addProperty("learningRate", 0.1); return o; })).json();
        assertEquals(2, faster.get("epoch").getAsInt(), "the learning rate changes without a reset");
        JsonObject relu = http.send("PUT", "/api/sessions/" + id + "/spec", spec(o -> { o.addProperty("learningRate", 0.1); o.addProperty("activation", "RELU"); return o; })).json();
        assertEquals(0, relu.get("epoch").getAsInt(), "another change resets");
        JsonObject tanh = http.send("PUT", "/api/sessions/" + id + "/spec", spec(o -> o)).json();
        http.post("/api/sessions/" + id + "/step", "");
        JsonObject again = http.post("/api/sessions/" + id + "/reset", "").json();
        assertEquals(tanh.get("weights").toString(), again.get("weights").toString(), "reset gives the same first weights");
        assertNotEquals(first.get("weights").toString(), tanh.get("weights").toString(), "a step changes the weights");
        JsonObject reseeded = http.send("PUT", "/api/sessions/" + id + "/spec", spec(o -> { o.addProperty("seed", 2); return o; })).json();
        assertNotEquals(tanh.get("weights").toString(), reseeded.get("weights").toString(), "a new seed, new weights");
        http.send("DELETE", "/api/sessions/" + id, null);
    }

    @Test
    void stopConditionsPauseTraining() throws Exception {
        String id = http.session(spec(o -> { o.addProperty("stopEpochs", 7); return o; }));
        http.post("/api/sessions/" + id + "/play", "");
        JsonObject st = waitFor(id, s -> !s.get("playing").getAsBoolean());
        assertEquals(7, st.get("epoch").getAsInt());
        assertTrue(st.get("message").getAsString().contains("7 epochs"));
        assertEquals("info", st.get("messageKind").getAsString(), "a stop the user asked for is news, not an error");
        String gauss = http.session(spec(o -> { o.addProperty("dataset", "GAUSS"); o.addProperty("stopTestLoss", 0.3); return o; }));
        http.post("/api/sessions/" + gauss + "/play", "");
        JsonObject g = waitFor(gauss, s -> !s.get("playing").getAsBoolean());
        assertTrue(g.get("testLoss").getAsDouble() <= 0.3, g.toString());
        assertTrue(g.get("testAccuracy").getAsDouble() > 0.9, "the two Gaussians are learnt: " + g.get("testAccuracy"));
        http.send("DELETE", "/api/sessions/" + id, null);
        http.send("DELETE", "/api/sessions/" + gauss, null);
    }

    static JsonObject waitFor(String id, java.util.function.Predicate<JsonObject> done) throws InterruptedException {
        long end = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < end) {
            JsonObject s = http.state(id);
            if (done.test(s)) {
                return s;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not done within a minute: " + http.state(id).get("epoch"));
    }

    @Test
    void savesARunFolderWithAStockModel() throws Exception {
        String id = http.session(spec(o -> { o.addProperty("dataset", "SPIRAL"); o.addProperty("classes", 3); return o; }));
        for (int i = 0; i < 3; i++) {
            http.post("/api/sessions/" + id + "/step", "");
        }
        Path dir = Path.of(http.post("/api/sessions/" + id + "/save", "").json().get("folder").getAsString());
        for (String f : List.of("config.json", "model.zip", "boundary.png", "points.csv", "PlaygroundNet.java")) {
            assertTrue(Files.size(dir.resolve(f)) > 0, f);
        }
        ComputationGraph saved = ModelSerializer.restoreComputationGraph(dir.resolve("model.zip").toFile(), false);
        assertEquals(3, saved.getLayer(PlaygroundNetwork.OUTPUT).getParam("b").length(), "three classes");
        assertTrue(!new String(Files.readAllBytes(dir.resolve("model.zip")), java.nio.charset.StandardCharsets.ISO_8859_1)
                .contains("net.dl4jnets"), "the model file names only DL4J's classes");
        String config = Files.readString(dir.resolve("config.json"));
        assertTrue(config.contains("\"epochs\": 3"), config);
        // the settings as links and the API write them: posted back, they make the same playground
        String settings = JsonParser.parseString(config).getAsJsonObject().get("settings").toString();
        assertTrue(settings.contains("\"learningRate\"") && !settings.contains("learning_rate"), settings);
        String again = http.session(settings);
        assertEquals(JsonParser.parseString(settings), http.state(again).get("spec"));
        http.send("DELETE", "/api/sessions/" + again, null);
        http.send("DELETE", "/api/sessions/" + id, null);
    }

    /**
     * Two heavy tabs (spiral, 90% training points, batch 1, six layers of 8, every feature: 1.5 s an epoch) and one
     * light tab on one training thread: the light one moves on between any two looks a second apart, as slices end
     * between batches; when a slice ran whole epochs it waited for both heavy epochs each time.
     */
    @Test
    void heavyTabsDoNotStarveALightOne(@TempDir Path out) throws Exception {
        try (WebServer one = WebServer.start(new WebServer.Options("127.0.0.1", 0, 4, 600, 1, out))) {
            Http h = new Http(one);
            String heavy = spec(o -> {
                o.addProperty("dataset", "SPIRAL");
                o.addProperty("trainPercent", 90);
                o.addProperty("batchSize", 1);
                o.add("features", JsonParser.parseString("[\"X\",\"Y\",\"X2\",\"Y2\",\"XY\",\"SINX\",\"SINY\"]"));
                o.add("layers", JsonParser.parseString("[8,8,8,8,8,8]"));
                o.add("dropout", JsonParser.parseString("[0,0,0,0,0,0]"));
                return o;
            });
            List<String> ids = List.of(h.session(heavy), h.session(heavy), h.session(null));
            for (String id : ids) {
                assertEquals(200, h.post("/api/sessions/" + id + "/play", "").status());
            }
            String light = ids.get(2);
            int looks = 8;
            int moved = 0;
            int last = h.state(light).get("epoch").getAsInt();
            for (int i = 0; i < looks; i++) {
                Thread.sleep(1000);
                for (String id : ids.subList(0, 2)) {
                    h.state(id); // the heavy tabs are watched too, or they would pause
                }
                int now = h.state(light).get("epoch").getAsInt();
                moved += now > last ? 1 : 0;
                last = now;
            }
            System.out.printf("light tab: %d epochs in %d s beside two heavy tabs (heavy: %d and %d epochs)%n", last,
                    looks, h.state(ids.get(0)).get("epoch").getAsInt(), h.state(ids.get(1)).get("epoch").getAsInt());
            // 8 of 8 alone on 2 cores; 7 of 8 once with a whole build running beside it; 1 of 8 when a slice ran
            // whole epochs (BENCHMARKS.md, "Playground")
            assertTrue(moved >= looks - 2, "the light tab trained between only " + moved + " of " + looks
                    + " pairs of looks");
        }
    }

    /** A tab that stops asking (closed without a word) stops training within seconds. */
    @Test
    void aTabThatStopsAskingIsPaused() throws Exception {
        String id = http.session(null);
        assertEquals(200, http.post("/api/sessions/" + id + "/play", "").status());
        Thread.sleep(PlaygroundSession.UNWATCHED_MILLIS + 1500);
        JsonObject st = http.state(id);
        assertTrue(!st.get("playing").getAsBoolean(), "still training: " + st);
        assertTrue(st.get("message").getAsString().contains("stopped asking"), st.toString());
        int epoch = st.get("epoch").getAsInt();
        Thread.sleep(500);
        assertEquals(epoch, http.state(id).get("epoch").getAsInt());
        http.send("DELETE", "/api/sessions/" + id, null);
    }

    /** A CSV file without a header keeps its first point; with one, the header is not a point. */
    @Test
    void aCsvFirstLineIsAPointUnlessItIsAHeader() {
        String points = "0.1,0.2,0\n0.3,0.4,1\n-0.5,0.6,0\n0.7,-0.8,1\n0.9,0.1,1\n";
        assertEquals(5, PlaygroundData.parseCsv(points, false).size());
        assertEquals(5, PlaygroundData.parseCsv("x,y,label\n" + points, false).size());
    }

    /** What another site's page can make a browser send: each refused with a message, and no session made. */
    @Test
    void refusesOtherSitesAndOtherHostNames() throws Exception {
        int before = server.sessions();
        // a cross-site form or fetch without preflight: text/plain, with the other site's Origin
        assertEquals(415, raw("POST", "127.0.0.1:" + server.port(), "text/plain", null, "{}").status());
        Http.Reply cross = raw("POST", "127.0.0.1:" + server.port(), "application/json", "https://evil.example", "{}");
        assertEquals(403, cross.status(), cross.body());
        assertTrue(cross.error().contains("another site (https://evil.example)"), cross.error());
        // DNS rebinding: the other site's name resolving to 127.0.0.1, for the page and the API alike
        for (String path : List.of("/", "/api/sessions")) {
            Http.Reply rebound = raw(path.equals("/") ? "GET" : "POST", "evil.example:" + server.port(),
                    "application/json", null, path.equals("/") ? null : "{}", path);
            assertEquals(403, rebound.status(), rebound.body());
            assertTrue(rebound.error().contains("not to Host evil.example"), rebound.error());
        }
        assertEquals(before, server.sessions(), "no session was made");
        // the server's own names and origin are served
        assertEquals(200, raw("GET", "localhost:" + server.port(), null, null, null, "/").status());
        String id = http.session(null);
        assertEquals(200, raw("POST", "127.0.0.1:" + server.port(), "application/json",
                "http://127.0.0.1:" + server.port(), "", "/api/sessions/" + id + "/step").status());
        http.send("DELETE", "/api/sessions/" + id, null);
    }

    @Test
    void capsSavesPerTab(@TempDir Path out) {
        try (WebServer small = WebServer.start(new WebServer.Options("127.0.0.1", 0, 2, 600, 1, out))) {
            Http h = new Http(small);
            String id = h.session(null);
            for (int i = 0; i < PlaygroundApi.MAX_SAVES_PER_SESSION; i++) {
                assertEquals(200, h.post("/api/sessions/" + id + "/save", "").status());
            }
            Http.Reply over = h.post("/api/sessions/" + id + "/save", "");
            assertEquals(429, over.status(), over.body());
            assertTrue(over.error().contains("saved " + PlaygroundApi.MAX_SAVES_PER_SESSION + " runs"), over.error());
        }
    }

    static Http.Reply raw(String method, String host, String type, String origin, String body) throws Exception {
        return raw(method, host, type, origin, body, "/api/sessions");
    }

    /** One request over a plain socket, with any Host (Java's HTTP client will not set one). */
    static Http.Reply raw(String method, String host, String type, String origin, String body, String path)
            throws Exception {
        byte[] content = body == null ? new byte[0] : body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: " + host
                + "\r\nConnection: close\r\n");
        if (type != null) {
            req.append("Content-Type: ").append(type).append("\r\n");
        }
        if (origin != null) {
            req.append("Origin: ").append(origin).append("\r\n");
        }
        req.append("Content-Length: ").append(content.length).append("\r\n\r\n");
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
            socket.getOutputStream().write(req.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().write(content);
            String reply = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            int status = Integer.parseInt(reply.substring(9, 12));
            return new Http.Reply(status, reply.substring(reply.indexOf("\r\n\r\n") + 4));
        }
    }

    @Test
    void capsSessionsAndFreesIdleOnes(@TempDir Path out) throws Exception {
        try (WebServer small = WebServer.start(new WebServer.Options("127.0.0.1", 0, 2, 1, 1, out))) {
            Http h = new Http(small);
            String a = h.session(null);
            h.session(null);
            Http.Reply third = h.post("/api/sessions", "");
            assertEquals(503, third.status());
            assertTrue(third.error().contains("2 sessions"), third.error());
            h.send("DELETE", "/api/sessions/" + a, null);
            String c = h.session(null);
            long end = System.nanoTime() + 20_000_000_000L;
            while (small.sessions() > 0 && System.nanoTime() < end) {
                Thread.sleep(200);
            }
            assertEquals(0, small.sessions(), "idle sessions are freed after the timeout");
            assertEquals(404, h.get("/api/sessions/" + c + "/state").status());
        }
    }

    @Test
    void listensOnLoopbackByDefaultAndSaysWhenThePortIsTaken() {
        assertEquals("127.0.0.1", new picocli.CommandLine(new net.dl4jnets.web.WebCommand()).getCommandSpec()
                .findOption("--host").defaultValue());
        var e = org.junit.jupiter.api.Assertions.assertThrows(net.dl4jnets.common.io.UserError.class,
                () -> WebServer.start(new WebServer.Options("127.0.0.1", server.port(), 1, 60, 1, runs)));
        assertTrue(e.getMessage().contains("--port"), e.getMessage());
    }

    @Test
    void regressionSetsTrainAndReportNoAccuracy() {
        String id = http.session(spec(o -> { o.addProperty("problem", "REGRESSION"); o.addProperty("dataset", "PLANE"); return o; }));
        JsonObject start = http.state(id);
        JsonObject after = null;
        for (int i = 0; i < 5; i++) {
            after = http.post("/api/sessions/" + id + "/step", "").json();
        }
        assertTrue(after.get("testLoss").getAsDouble() < start.get("testLoss").getAsDouble() / 2, start.get("testLoss") + " → " + after.get("testLoss"));
        assertTrue(after.get("testAccuracy").isJsonNull());
        assertEquals(1, after.getAsJsonArray("weights").get(2).getAsJsonObject().getAsJsonArray("b").size());
        http.send("DELETE", "/api/sessions/" + id, null);
    }

}
