package net.dl4jnets.attention;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

import net.dl4jnets.common.data.FashionMnist;
import net.dl4jnets.common.data.ImageBatches;
import net.dl4jnets.common.data.ImageSet;
import net.dl4jnets.common.report.Charts;
import net.dl4jnets.layers.AttentionWeights;
import net.dl4jnets.common.train.FashionTraining;

/**
 * Where a vision transformer's attention goes, drawn over the image: for one test image of each class, per block,
 * how much attention each token receives (averaged over heads and over the tokens that look), and the attention
 * rollout (Abnar and Zuidema, 2020) of all blocks together, which follows attention through the residual paths
 * (each block's weights mixed half and half with the identity, multiplied from the first block to the last).
 */
public final class AttentionMaps {
    private AttentionMaps() {}

    public static void draw(Path png, ComputationGraph graph, VisionTransformer.Config c, ImageSet.View test,
                            ImageBatches.Options options) {
        Charts.writeImage(png, draw(graph, c, test, options));
    }

    /** The same picture as an image, for a notebook to show. */
    public static BufferedImage draw(ComputationGraph graph, VisionTransformer.Config c, ImageSet.View test,
                                     ImageBatches.Options options) {
        ImageSet.View examples = test.firstOfEachClass(FashionMnist.CLASSES);
        int n = examples.size();
        INDArray input = new ImageBatches(examples, new ImageBatches.Options(options.layout(), n, false, 0,
                options.standardize(), null)).next().getFeatures();
        INDArray predicted = graph.outputSingle(false, input).argMax(1);
        List<AttentionWeights.Layer> layers = AttentionWeights.of(graph, input);
        int[] tokenOfPixel = AttentionWeights.tokenOfPixel(graph, FashionMnist.ROWS, FashionMnist.COLS);
        List<Charts.Tile> tiles = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] img = examples.image(i);
            String truth = FashionMnist.LABELS.get(examples.label(i));
            String guess = FashionMnist.LABELS.get(predicted.getInt(i));
            tiles.add(new Charts.Tile(img, FashionMnist.ROWS, FashionMnist.COLS, truth
                    + (truth.equals(guess) ? "" : "\nseen as " + guess), !truth.equals(guess)));
            for (int b = 0; b < layers.size(); b++) {
                tiles.add(new Charts.Tile(img, FashionMnist.ROWS, FashionMnist.COLS, "block " + (b + 1), false,
                        AttentionWeights.overPixels(layers.get(b).meanOverHeads(i).mean(0), tokenOfPixel)));
            }
            tiles.add(new Charts.Tile(img, FashionMnist.ROWS, FashionMnist.COLS, "rollout", false,
                    AttentionWeights.overPixels(AttentionWeights.rollout(layers, i).mean(0), tokenOfPixel)));
        }
        return Charts.grid(String.format(Locale.ROOT, "Where attention goes: tokens that blocks 1-%d attend to, "
                + "and the rollout of all (red = more)", c.layers()), tiles, c.layers() + 2, 5);
    }

    /** A finished run's pictures: the attention maps of a few test images, in attention.png. */
    public static void draw(FashionTraining.Outcome o) {
        Path png = o.run().file("attention.png");
        draw(png, o.best(), o.config().hyperParameters(VisionTransformer.Config.class), o.testView(),
                o.evalOptions());
        System.out.println("Attention maps: " + png);
    }
}
