package net.dl4jnets.web.models;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;

import javax.imageio.ImageIO;

import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.nd4j.linalg.api.ndarray.INDArray;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import net.dl4jnets.common.commands.Predict;
import net.dl4jnets.common.data.FashionMnist;
import net.dl4jnets.common.data.FashionMnistLocator;
import net.dl4jnets.common.data.ImageBatches;
import net.dl4jnets.common.data.ImageSet;
import net.dl4jnets.common.data.Layout;
import net.dl4jnets.common.io.Json;
import net.dl4jnets.common.train.RunConfig;
import net.dl4jnets.engine.Engine;
import net.dl4jnets.layers.AttentionWeights;
import net.dl4jnets.web.Api;
import net.dl4jnets.web.Recent;

/**
 * The Fashion-MNIST classifiers under the runs folder, and what each makes of an image: the class probabilities
 * exactly as {@code ./nets predict} computes them, where the input moved the answer (saliency), and what every
 * convolution layer saw. A model is named by an id made from its folder; a request never names a path.
 */
public final class TrainedModels {
    /** Saliency steps each pixel by this much (of 255) up and down: the input gradient by central differences. */
    static final int STEP = 16;
    /** Channels drawn per convolution layer, at most. */
    static final int MAX_CHANNELS = 32;

    /** A run folder that holds a Fashion-MNIST classifier. */
    public record Entry(String id, String architecture, double accuracy, String created, String run) {}

    /** What a model makes of one image. */
    public record Analysis(int[] pixels, double[] probabilities, String saliency, List<FeatureMap> maps,
                           List<AttentionMap> attention) {}

    /** A transformer's attention over the image: per layer or rolled out, drawn over the image. */
    public record AttentionMap(String layer, String image) {}

    /** One convolution layer's outputs, tiled into one picture. */
    public record FeatureMap(String layer, int channels, int size, String image) {}

    private final Path runs;
    private final Recent<String, Predict.SavedClassifier> loaded = new Recent<>(2);
    private FashionMnist data;

    public TrainedModels(Path runs) {
        this.runs = runs;
    }

    /** Every finished Fashion-MNIST run (a model file, its settings and its test figures), newest first. */
    public List<Entry> list() {
        List<Entry> out = new ArrayList<>();
        for (Path dir : Api.runFolders(runs, "model.zip", "eval.json", RunConfig.FILE)) {
            Entry e = entry(dir);
            if (e != null) {
                out.add(e);
            }
        }
        out.sort(Comparator.comparing(Entry::created).reversed());
        return out;
    }

    private Entry entry(Path dir) {
        try {
            RunConfig c = RunConfig.read(dir);
            if (c.data() == null || c.data().layout() == null) {
                return null; // a text model, or the playground's
            }
            JsonElement acc = Json.read(dir.resolve("eval.json"), JsonObject.class).get("accuracy");
            return new Entry(Api.runId(runs, dir), c.architecture(), acc == null ? Double.NaN : acc.getAsDouble(),
                    c.created() == null ? dir.getFileName().toString() : c.created(),
                    runs.relativize(dir).toString());
        } catch (RuntimeException unreadable) {
            return null; // a folder being written, or from another version: not offered
        }
    }

    /** The entry with this id, or null. */
    public Entry find(String id) {
        return list().stream().filter(e -> e.id().equals(id)).findFirst().orElse(null);
    }

    private Predict.SavedClassifier classifier(Entry e) {
        return loaded.get(e.id(), id -> Predict.load(runs.resolve(e.run())));
    }

    /** The run's test images and the model's class for each, as its run evaluated them. */
    public record TestPredictions(ImageSet.View images, int[] predicted) {
        /** counts[true][predicted] */
        public int[][] confusion() {
            int[][] c = new int[FashionMnist.CLASSES][FashionMnist.CLASSES];
            for (int i = 0; i < predicted.length; i++) {
                c[images.label(i)][predicted[i]]++;
            }
            return c;
        }

        /** Up to {@code max} test images of class {@code truth} taken for {@code predicted}, as 784 pixels each. */
        public List<int[]> cell(int truth, int predictedClass, int max) {
            List<int[]> out = new ArrayList<>();
            for (int i = 0; i < predicted.length && out.size() < max; i++) {
                if (images.label(i) == truth && predicted[i] == predictedClass) {
                    int[] px = new int[FashionMnist.PIXELS];
                    int at = images.indices()[i] * FashionMnist.PIXELS;
                    for (int k = 0; k < px.length; k++) {
                        px[k] = images.set().pixels()[at + k] & 0xff;
                    }
                    out.add(px);
                }
            }
            return out;
        }
    }

    private final Recent<String, TestPredictions> predictions = new Recent<>(2);

    /**
     * The model's class for each of its run's test images: the same split (validation size, limit and seed from its
     * config.json), computed once per model (a few seconds for the larger ones) and kept for two models.
     */
    public TestPredictions testPredictions(Entry e) {
        return predictions.get(e.id(), id -> predict(e));
    }

    private TestPredictions predict(Entry e) {
        RunConfig c = RunConfig.read(runs.resolve(e.run()));
        ImageSet.View view = data()
                .split(c.training().valSize(), c.training().limit(), c.training().seed()).test();
        Predict.SavedClassifier model = classifier(e);
        int[] predicted = new int[view.size()];
        int batch = 500;
        for (int from = 0; from < view.size(); from += batch) {
            int n = Math.min(batch, view.size() - from);
            byte[] px = new byte[n * FashionMnist.PIXELS];
            for (int i = 0; i < n; i++) {
                System.arraycopy(view.set().pixels(), view.indices()[from + i] * FashionMnist.PIXELS, px,
                        i * FashionMnist.PIXELS, FashionMnist.PIXELS);
            }
            INDArray p;
            synchronized (model) {
                p = model.probabilities(px);
            }
            INDArray best = p.argMax(1);
            for (int i = 0; i < n; i++) {
                predicted[from + i] = best.getInt(i);
            }
        }
        return new TestPredictions(view, predicted);
    }

    /** Fashion-MNIST, found and decoded once for the server's life (70,000 images, 55 MB). */
    private synchronized FashionMnist data() {
        if (data == null) {
            data = FashionMnistLocator.standard(null).load();
        }
        return data;
    }

    /** A test image chosen by {@code seed}, and its true class. */
    public Map.Entry<byte[], Integer> testImage(long seed) {
        ImageSet test = data().test();
        int i = new Random(seed).nextInt(test.size());
        byte[] px = new byte[FashionMnist.PIXELS];
        System.arraycopy(test.pixels(), i * FashionMnist.PIXELS, px, 0, FashionMnist.PIXELS);
        return Map.entry(px, test.label(i));
    }

    /** What the model makes of a 28x28 image (bytes, 0 = background). */
    public Analysis analyse(Entry e, byte[] pixels) {
        Predict.SavedClassifier c = classifier(e);
        synchronized (c) { // a network is not safe to run from two threads at once
            double[] p = c.probabilities(pixels).toDoubleVector();
            int top = 0;
            for (int k = 1; k < p.length; k++) {
                top = p[k] > p[top] ? k : top;
            }
            int[] px = new int[pixels.length];
            for (int i = 0; i < px.length; i++) {
                px[i] = pixels[i] & 0xff;
            }
            return new Analysis(px, p, png(saliency(c, pixels, top), 28, 28, 8), featureMaps(c, pixels),
                    attention(c, pixels, px));
        }
    }

    /**
     * How much the top class's log-probability changes per unit of each pixel, by central differences: every pixel
     * stepped up and down by {@link #STEP} in one batch of 1,568 images. Any architecture, no gradient API needed
     * (DL4J 1.0.0-M2.1's ComputationGraph gives no input gradient).
     */
    static float[] saliency(Predict.SavedClassifier c, byte[] pixels, int top) {
        int n = FashionMnist.PIXELS;
        float[] out = new float[n];
        int chunk = 196; // four chunks of 196 pixels, 392 images each: bounded memory for the largest models
        for (int from = 0; from < n; from += chunk) {
            int m = Math.min(chunk, n - from);
            byte[] batch = new byte[2 * m * n];
            int[] delta = new int[m];
            for (int j = 0; j < m; j++) {
                int v = pixels[from + j] & 0xff;
                int up = Math.min(255, v + STEP);
                int down = Math.max(0, v - STEP);
                delta[j] = up - down;
                System.arraycopy(pixels, 0, batch, 2 * j * n, n);
                System.arraycopy(pixels, 0, batch, (2 * j + 1) * n, n);
                batch[2 * j * n + from + j] = (byte) up;
                batch[(2 * j + 1) * n + from + j] = (byte) down;
            }
            INDArray p = c.probabilities(batch);
            for (int j = 0; j < m; j++) {
                double hi = Math.log(Math.max(1e-12, p.getDouble(2L * j, top)));
                double lo = Math.log(Math.max(1e-12, p.getDouble(2L * j + 1, top)));
                out[from + j] = (float) Math.abs((hi - lo) / delta[j]);
            }
        }
        return out;
    }

    /**
     * For a transformer, how much attention each of the image's tokens receives, averaged over heads and over the
     * tokens that look, in each attention layer, and the rollout of all layers (attention followed through the
     * residual paths); empty for a model without attention.
     */
    static List<AttentionMap> attention(Predict.SavedClassifier c, byte[] pixels, int[] px) {
        List<AttentionMap> out = new ArrayList<>();
        List<AttentionWeights.Layer> layers = AttentionWeights.of(c.graph(), features(c, pixels));
        if (layers.isEmpty()) {
            return out;
        }
        int[] tokenOfPixel = AttentionWeights.tokenOfPixel(c.graph(), FashionMnist.ROWS, FashionMnist.COLS);
        for (AttentionWeights.Layer l : layers) {
            out.add(new AttentionMap(l.name(), heat(px, AttentionWeights.overPixels(l.meanOverHeads(0).mean(0),
                    tokenOfPixel))));
        }
        out.add(new AttentionMap("rollout", heat(px, AttentionWeights.overPixels(
                AttentionWeights.rollout(layers, 0).mean(0), tokenOfPixel))));
        return out;
    }

    /** The image as the model's input: one example. */
    private static INDArray features(Predict.SavedClassifier c, byte[] pixels) {
        return new ImageBatches(new ImageSet(pixels, new byte[1]).all(), c.options(1)).next().getFeatures();
    }

    /** Each convolution layer's output channels for the image, each scaled to its own range, in a grid. */
    static List<FeatureMap> featureMaps(Predict.SavedClassifier c, byte[] pixels) {
        List<FeatureMap> maps = new ArrayList<>();
        if (c.layout() != Layout.CONV) {
            return maps;
        }
        INDArray image = features(c, pixels);
        Map<String, INDArray> acts = Engine.inference(1, () -> c.graph().feedForward(image, false));
        for (GraphVertex v : c.graph().getVertices()) {
            if (!v.hasLayer() || !(v.getLayer().conf().getLayer() instanceof ConvolutionLayer)) {
                continue;
            }
            INDArray a = acts.get(v.getVertexName());
            if (a == null || a.rank() != 4) {
                continue;
            }
            int channels = (int) Math.min(MAX_CHANNELS, a.size(1));
            int h = (int) a.size(2);
            int w = (int) a.size(3);
            int cols = Math.min(8, channels);
            int rows = (channels + cols - 1) / cols;
            float[] tile = new float[rows * (h + 1) * cols * (w + 1)];
            int width = cols * (w + 1);
            for (int ch = 0; ch < channels; ch++) {
                INDArray m = a.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                        org.nd4j.linalg.indexing.NDArrayIndex.point(ch)).dup();
                float lo = m.minNumber().floatValue();
                float range = Math.max(1e-6f, m.maxNumber().floatValue() - lo);
                float[] vals = m.data().asFloat();
                int r0 = (ch / cols) * (h + 1);
                int c0 = (ch % cols) * (w + 1);
                for (int y = 0; y < h; y++) {
                    for (int xx = 0; xx < w; xx++) {
                        tile[(r0 + y) * width + c0 + xx] = (vals[y * w + xx] - lo) / range;
                    }
                }
            }
            int scale = Math.max(1, 56 / Math.max(h, w));
            maps.add(new FeatureMap(v.getVertexName(), (int) a.size(1), h, png(tile, width, rows * (h + 1), scale)));
        }
        return maps;
    }

    /** A 28x28 image (0-255) in grey with a heat (0-1) over it in red, as a PNG data URL, each pixel 6 wide. */
    static String heat(int[] pixels, float[] heat) {
        int scale = 6;
        int side = FashionMnist.ROWS;
        BufferedImage img = new BufferedImage(side * scale, side * scale, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < side * scale; y++) {
            for (int x = 0; x < side * scale; x++) {
                int i = (y / scale) * side + x / scale;
                float a = 0.8f * heat[i];
                float grey = 0.7f * pixels[i];
                int r = Math.round(grey * (1 - a) + 235 * a);
                int g = Math.round(grey * (1 - a) + 40 * a);
                int b = Math.round(grey * (1 - a) + 30 * a);
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return dataUrl(img);
    }

    /** Values as a grey PNG data URL, each scaled to the largest, each cell {@code scale} pixels wide. */
    static String png(float[] values, int width, int height, int scale) {
        float max = 1e-12f;
        for (float v : values) {
            max = Math.max(max, v);
        }
        BufferedImage img = new BufferedImage(width * scale, height * scale, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < height * scale; y++) {
            for (int x = 0; x < width * scale; x++) {
                int g = Math.round(255 * values[(y / scale) * width + x / scale] / max);
                img.getRaster().setSample(x, y, 0, g);
            }
        }
        return dataUrl(img);
    }

    private static String dataUrl(BufferedImage img) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, "png", out);
            return "data:image/png;base64," + Base64.getEncoder().encodeToString(out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
