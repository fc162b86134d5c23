package net.dl4jnets.web.models;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import net.dl4jnets.common.data.FashionMnist;
import net.dl4jnets.common.data.UserImage;
import net.dl4jnets.web.Api;
import net.dl4jnets.web.Api.Refused;

/**
 * "Try a trained model" ({@code /try/}): the runs folder's Fashion-MNIST models, listed and tried on a drawing or a
 * picture (converted exactly as {@code ./nets predict} converts a file) or on a test image.
 */
public final class ModelsApi {
    /** An uploaded picture may have at most this many pixels; the header says how many before anything is decoded. */
    static final long MAX_PIXELS = 4096L * 4096L;

    private final TrainedModels models;

    public ModelsApi(Path runs) {
        this.models = new TrainedModels(runs);
    }

    public void mount(Router router) {
        Api.page(router, "/try/", ModelsApi.class, "index.html", "try.js", "try.css");
        router.get("/api/models").blockingHandler(ctx -> Api.answer(ctx,
                c -> Api.toJson(Map.of("models", models.list()))), false);
        router.post("/api/models/:id/image").blockingHandler(ctx -> Api.answer(ctx, c -> {
            TrainedModels.Entry e = entry(c);
            return Api.toJson(models.analyse(e, pixels(c.getBody() == null ? new byte[0] : c.getBody().getBytes())));
        }), false);
        router.get("/api/models/:id/confusion").blockingHandler(ctx -> Api.answer(ctx, c -> Api.toJson(Map.of(
                "labels", FashionMnist.LABELS, "counts", models.testPredictions(entry(c)).confusion()))), false);
        router.get("/api/models/:id/cell").blockingHandler(ctx -> Api.answer(ctx, c -> {
            TrainedModels.TestPredictions t = models.testPredictions(entry(c));
            return Api.toJson(Map.of("images", t.cell(classParam(c, "true"), classParam(c, "predicted"), 24)));
        }), false);
        router.get("/api/models/:id/test-image").blockingHandler(ctx -> Api.answer(ctx, c -> {
            TrainedModels.Entry e = entry(c);
            long seed;
            try {
                seed = Long.parseLong(String.valueOf(c.request().getParam("seed")));
            } catch (NumberFormatException bad) {
                throw new Refused(400, "seed must be a whole number.");
            }
            Map.Entry<byte[], Integer> image = models.testImage(seed);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("label", image.getValue());
            out.put("analysis", models.analyse(e, image.getKey()));
            return Api.toJson(out);
        }), false);
    }

    private static int classParam(RoutingContext c, String name) {
        try {
            int k = Integer.parseInt(String.valueOf(c.request().getParam(name)));
            if (k >= 0 && k < FashionMnist.CLASSES) {
                return k;
            }
        } catch (NumberFormatException bad) {
            // below
        }
        throw new Refused(400, name + " must be a class number from 0 to " + (FashionMnist.CLASSES - 1) + ".");
    }

    private TrainedModels.Entry entry(RoutingContext c) {
        TrainedModels.Entry e = models.find(c.pathParam("id"));
        if (e == null) {
            throw new Refused(404, "No model with id " + c.pathParam("id") + " in the runs folder (deleted, or the "
                    + "server was started with another --out): reload the list.");
        }
        return e;
    }

    /** The picture's 28x28 pixels as predict makes them; its size is checked before it is decoded. */
    static byte[] pixels(byte[] file) {
        byte[] px = UserImage.toFashion(decode(file)); // a UserError (a blank picture) is the page's 400
        if (px.length != FashionMnist.PIXELS) {
            throw new IllegalStateException("converted to " + px.length + " pixels");
        }
        return px;
    }

    /**
     * The upload decoded, or a 4xx. ImageIO's decoders answer a malformed file with runtime exceptions of many kinds
     * as well as IOExceptions, so here, around the decoding of bytes from outside, any of them means a bad file.
     */
    private static BufferedImage decode(byte[] file) {
        if (file.length == 0) {
            throw new Refused(400, "The request holds no picture: send a PNG or JPEG file.");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(file))) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new Refused(400, "That file is not a picture this server reads: send a PNG or JPEG file.");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > MAX_PIXELS) {
                    throw new Refused(413, "The picture has " + pixels + " pixels; at most " + MAX_PIXELS
                            + " (4096 x 4096) are taken. Scale it down first.");
                }
                return reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (Refused r) {
            throw r;
        } catch (IOException | RuntimeException e) {
            throw new Refused(400, "That picture could not be read (" + e.getMessage() + "): send a PNG or JPEG file.");
        }
    }
}
