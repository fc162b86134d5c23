package net.dl4jnets.cnn;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import net.dl4jnets.common.data.FashionMnist;
import net.dl4jnets.common.data.ImageBatches;
import net.dl4jnets.common.data.ImageSet;
import net.dl4jnets.common.report.Charts;
import net.dl4jnets.common.train.FashionTraining;

/**
 * What a trained CNN learned, as pictures: the first layer's filters, and what each stage of the network makes of
 * one test image of every class (its feature maps).
 */
public final class CnnPictures {
    /** Feature maps shown per image and stage. */
    static final int CHANNELS_SHOWN = 8;

    private CnnPictures() {}

    /** The first convolution's filters as a grid, on one shared grey scale: mid-grey is 0, white positive. */
    public static void filters(Path png, ComputationGraph graph, String model) {
        Charts.writeImage(png, filters(graph, model));
    }

    /** The same picture as an image, for a notebook to show. */
    public static BufferedImage filters(ComputationGraph graph, String model) {
        String first = convolutions(graph).get(0);
        // [out, in, kH, kW]; a copy, because ND4J 1.0.0-M2.1 returns an empty array when LeNet's 5x5 view is indexed
        INDArray w = graph.getParam(first + "_W").dup();
        long out = w.size(0);
        long in = w.size(1);
        int kh = (int) w.size(2);
        int kw = (int) w.size(3);
        double maxAbs = w.amaxNumber().doubleValue();
        List<Charts.Tile> tiles = new ArrayList<>();
        for (int f = 0; f < out; f++) {
            float[] px = new float[kh * kw];
            for (int r = 0; r < kh; r++) {
                for (int c = 0; c < kw; c++) {
                    double v = 0; // summed over input channels (there is one: grey images)
                    for (int ch = 0; ch < in; ch++) {
                        v += w.getDouble(f, ch, r, c);
                    }
                    px[r * kw + c] = (float) (0.5 + 0.5 * v / maxAbs);
                }
            }
            tiles.add(new Charts.Tile(px, kh, kw, "filter " + (f + 1), false));
        }
        return Charts.grid(String.format(Locale.ROOT, "%s: the %d first-layer filters (%dx%d; grey = 0, white > 0, black < 0)",
                model, out, kh, kw), tiles, 8, Math.max(4, 72 / Math.max(kh, kw)));
    }

    /**
     * One PNG per stage of the network (the last activation at each image size): for one test image of each class,
     * the image and its first feature maps. Returns the files written.
     */
    public static List<Path> featureMaps(Path dir, ComputationGraph graph, String model, ImageSet.View test,
                                         ImageBatches.Options options) {
        List<Path> written = new ArrayList<>();
        int stage = 0;
        for (Map.Entry<String, BufferedImage> e : featureMaps(graph, model, test, options).entrySet()) {
            Path png = dir.resolve(String.format(Locale.ROOT, "features-%d-%s.png", ++stage, e.getKey()));
            Charts.writeImage(png, e.getValue());
            written.add(png);
        }
        return written;
    }

    /** The same pictures as images, by the name of the vertex each stage ends at, in the network's order. */
    public static Map<String, BufferedImage> featureMaps(ComputationGraph graph, String model, ImageSet.View test,
                                                        ImageBatches.Options options) {
        ImageSet.View examples = test.firstOfEachClass(FashionMnist.CLASSES);
        int[] pick = examples.indices();
        INDArray input = new ImageBatches(examples, new ImageBatches.Options(options.layout(), pick.length, false,
                0, options.standardize(), null)).next().getFeatures();
        Map<String, INDArray> acts = graph.feedForward(input, false);
        Map<String, BufferedImage> pictures = new LinkedHashMap<>();
        int stage = 0;
        for (Map.Entry<String, String> e : stageOutputs(graph, acts).entrySet()) {
            INDArray a = acts.get(e.getValue()); // [n, channels, h, w]
            int h = (int) a.size(2);
            int w = (int) a.size(3);
            int shown = (int) Math.min(CHANNELS_SHOWN, a.size(1));
            List<Charts.Tile> tiles = new ArrayList<>();
            for (int i = 0; i < pick.length; i++) {
                tiles.add(new Charts.Tile(upscale(examples.image(i), 28, 28, h, w), h, w,
                        FashionMnist.LABELS.get(examples.label(i)), false));
                for (int ch = 0; ch < shown; ch++) {
                    float[] map = a.get(NDArrayIndex.point(i),
                            NDArrayIndex.point(ch)).dup().data().asFloat();
                    tiles.add(new Charts.Tile(normalise(map), h, w, "channel " + (ch + 1), false));
                }
            }
            pictures.put(e.getValue(), Charts.grid(String.format(Locale.ROOT, "%s, stage %d (%s, %dx%d): the first %d of %d feature maps, brighter = stronger",
                    model, ++stage, e.getValue(), h, w, shown, a.size(1)), tiles, shown + 1, Math.max(2, 112 / h)));
        }
        return pictures;
    }

    /** Names of the convolution layers, in the order the graph computes them. */
    static List<String> convolutions(ComputationGraph graph) {
        List<String> names = new ArrayList<>();
        for (int i : graph.topologicalSortOrder()) {
            GraphVertex v = graph.getVertices()[i];
            if (v.hasLayer() && v.getLayer().conf().getLayer() instanceof ConvolutionLayer) {
                names.add(v.getVertexName());
            }
        }
        return names;
    }

    /**
     * For each image size the network works at, the last vertex at that size whose output has been through a
     * non-linearity (a ReLU layer or a convolution with an activation): what the next stage gets to see.
     */
    static Map<String, String> stageOutputs(ComputationGraph graph, Map<String, INDArray> acts) {
        Map<String, String> bySize = new LinkedHashMap<>();
        for (int i : graph.topologicalSortOrder()) {
            GraphVertex v = graph.getVertices()[i];
            INDArray a = acts.get(v.getVertexName());
            if (a == null || a.rank() != 4 || !v.hasLayer()) {
                continue;
            }
            var layer = v.getLayer().conf().getLayer();
            boolean activated = layer instanceof ActivationLayer
                    || layer instanceof ConvolutionLayer conv && !(conv.getActivationFn() instanceof ActivationIdentity);
            if (activated) {
                bySize.put(a.size(2) + "x" + a.size(3), v.getVertexName());
            }
        }
        return bySize;
    }

    private static float[] normalise(float[] map) {
        float max = 0;
        for (float v : map) {
            max = Math.max(max, v);
        }
        float[] out = new float[map.length];
        for (int k = 0; k < map.length; k++) {
            out[k] = max > 0 ? Math.max(0, map[k]) / max : 0;
        }
        return out;
    }

    /** The 28x28 input resampled to the stage's size, so it sits in the same grid as its maps. */
    private static float[] upscale(float[] img, int rows, int cols, int h, int w) {
        float[] out = new float[h * w];
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                out[r * w + c] = img[(r * rows / h) * cols + (c * cols / w)];
            }
        }
        return out;
    }

    /** A finished run's pictures: the first layer's filters and the feature maps of a few test images. */
    public static void draw(FashionTraining.Outcome o) {
        Path dir = o.run().dir();
        String model = o.config().architecture();
        filters(dir.resolve("filters.png"), o.best(), model);
        List<Path> maps = featureMaps(dir, o.best(), model, o.testView(), o.evalOptions());
        System.out.println("Pictures: filters.png, " + String.join(", ", maps.stream()
                .map(p -> p.getFileName().toString()).toList()));
    }
}
