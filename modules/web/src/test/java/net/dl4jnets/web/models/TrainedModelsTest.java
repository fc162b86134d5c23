package net.dl4jnets.web.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import net.dl4jnets.common.commands.Predict;
import net.dl4jnets.common.data.FashionMnist;
import net.dl4jnets.common.data.FashionMnistLocator;
import net.dl4jnets.common.data.ImageSet;
import net.dl4jnets.common.train.Architecture;
import net.dl4jnets.common.train.StopSignal;
import net.dl4jnets.common.train.TrainingConfig;
import net.dl4jnets.web.WebServer;

/**
 * "Try a trained model" over HTTP: the runs folder listed by id, a test image's picture classified exactly as
 * {@code ./nets predict} classifies the same file, saliency, feature maps for a CNN, attention for a vision
 * transformer, and every bad upload refused.
 */
class TrainedModelsTest {
    @TempDir
    static Path runs;
    static WebServer server;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    /** An MLP, a LeNet and a vision transformer, trained here on 2,000 images for one epoch, as their commands would. */
    @BeforeAll
    static void trainAndStart() {
        for (String id : List.of("mlp", "cnn-lenet", "transformer")) {
            Architecture a = Architecture.registered().stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow();
            TrainingConfig t = a.training().withData(2000, 500, null).withEpochs(1).withOut(runs);
            a.train(t, new StopSignal());
        }
        server = WebServer.start(new WebServer.Options("127.0.0.1", 0, 2, 600, 1, runs));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<String> send(String method, String path, String type, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.address() + path.replaceFirst("^/", "")));
        if (type != null) {
            b.header("Content-Type", type);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonArray models() throws Exception {
        return JsonParser.parseString(send("GET", "/api/models", null, null).body()).getAsJsonObject()
                .getAsJsonArray("models");
    }

    static String id(String architecture) throws Exception {
        for (var m : models()) {
            if (m.getAsJsonObject().get("architecture").getAsString().toLowerCase().contains(architecture)) {
                return m.getAsJsonObject().get("id").getAsString();
            }
        }
        throw new AssertionError("no " + architecture + " in " + models());
    }

    static byte[] png(byte[] pixels) throws Exception {
        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < pixels.length; i++) {
            img.getRaster().setSample(i % 28, i / 28, 0, pixels[i] & 0xff);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    @Test
    void listsTheRunsByIdWithTheirTestAccuracy() throws Exception {
        JsonArray all = models();
        assertEquals(3, all.size(), all.toString());
        for (var m : all) {
            JsonObject o = m.getAsJsonObject();
            assertTrue(o.get("id").getAsString().matches("[0-9a-f]{12}"), o.toString());
            assertTrue(o.get("accuracy").getAsDouble() > 0.3, "trained, not chance: " + o);
        }
    }

    @Test
    void anUploadedTestImageGetsWhatPredictGives(@TempDir Path dir) throws Exception {
        ImageSet test = FashionMnistLocator.standard(null).load().test();
        byte[] trouser = null;
        for (int i = 0; i < test.size() && trouser == null; i++) {
            if (test.label(i) == 1) {
                trouser = new byte[FashionMnist.PIXELS];
                System.arraycopy(test.pixels(), i * FashionMnist.PIXELS, trouser, 0, FashionMnist.PIXELS);
            }
        }
        Path file = dir.resolve("trouser.png");
        Files.write(file, png(trouser));
        for (String arch : List.of("mlp", "lenet", "transformer")) {
            String id = id(arch);
            HttpResponse<String> r = send("POST", "/api/models/" + id + "/image", "image/png", Files.readAllBytes(file));
            assertEquals(200, r.statusCode(), r.body());
            JsonObject a = JsonParser.parseString(r.body()).getAsJsonObject();
            JsonArray p = a.getAsJsonArray("probabilities");
            Path run = Files.list(runs).flatMap(m -> {
                try {
                    return Files.list(m);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).filter(d -> d.toString().contains(arch)).findFirst().orElseThrow();
            Predict.Prediction expected = Predict.predict(Predict.load(run), List.of(file),
                    net.dl4jnets.common.data.UserImage.read(file)).get(0);
            double sum = 0;
            for (int k = 0; k < expected.classes().length; k++) {
                assertEquals(expected.probabilities()[k], p.get(expected.classes()[k]).getAsDouble(), 1e-5,
                        arch + ", class " + expected.classes()[k]);
                sum += p.get(k).getAsDouble();
            }
            assertEquals(1.0, sum, 1e-4);
            assertTrue(a.get("saliency").getAsString().startsWith("data:image/png;base64,"));
            int maps = a.getAsJsonArray("maps").size();
            assertEquals(arch.equals("lenet") ? 2 : 0, maps, arch + ": one feature map per convolution layer");
            JsonArray attention = a.getAsJsonArray("attention");
            assertEquals(arch.equals("transformer") ? 5 : 0, attention.size(),
                    arch + ": the attention of each of 4 blocks and their rollout");
            if (!attention.isEmpty()) {
                assertEquals("rollout", attention.get(4).getAsJsonObject().get("layer").getAsString());
                assertTrue(attention.get(0).getAsJsonObject().get("image").getAsString()
                        .startsWith("data:image/png;base64,"));
            }
        }
    }

    @Test
    void aRandomTestImageComesWithItsLabel() throws Exception {
        HttpResponse<String> r = send("GET", "/api/models/" + id("mlp") + "/test-image?seed=7", null, null);
        assertEquals(200, r.statusCode(), r.body());
        JsonObject o = JsonParser.parseString(r.body()).getAsJsonObject();
        int label = o.get("label").getAsInt();
        assertTrue(label >= 0 && label < 10);
        assertEquals(FashionMnist.PIXELS, o.getAsJsonObject("analysis").getAsJsonArray("pixels").size());
    }

    @Test
    void badUploadsAndUnknownModelsGetMessages() throws Exception {
        String id = id("mlp");
        HttpResponse<String> notAnImage = send("POST", "/api/models/" + id + "/image", "image/png", "hello".getBytes());
        assertEquals(400, notAnImage.statusCode());
        assertTrue(notAnImage.body().contains("not a picture this server reads"), notAnImage.body());
        // a PNG header claiming 100,000 x 100,000 pixels: refused before anything is decoded
        BufferedImage small = new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(small, "png", out);
        byte[] huge = out.toByteArray();
        java.nio.ByteBuffer.wrap(huge, 16, 8).putInt(100_000).putInt(100_000); // IHDR width and height
        HttpResponse<String> big = send("POST", "/api/models/" + id + "/image", "image/png", huge);
        assertEquals(413, big.statusCode(), big.body());
        assertTrue(big.body().contains("at most 16777216"), big.body());
        HttpResponse<String> text = send("POST", "/api/models/" + id + "/image", "text/plain", png(new byte[784]));
        assertEquals(415, text.statusCode(), text.body());
        HttpResponse<String> unknown = send("POST", "/api/models/000000000000/image", "image/png", png(new byte[784]));
        assertEquals(404, unknown.statusCode());
        assertTrue(unknown.body().contains("reload the list"), unknown.body());
        HttpResponse<String> pathy = send("GET", "/api/models/..%2F..%2Fetc/test-image?seed=1", null, null);
        assertTrue(pathy.statusCode() == 404 || pathy.statusCode() == 400, pathy.statusCode() + " " + pathy.body());
    }
}
