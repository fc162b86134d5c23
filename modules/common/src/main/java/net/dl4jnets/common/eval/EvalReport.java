package net.dl4jnets.common.eval;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

import net.dl4jnets.common.data.FashionMnist;
import net.dl4jnets.common.data.ImageBatches;
import net.dl4jnets.common.data.ImageSet;
import net.dl4jnets.common.io.Json;
import net.dl4jnets.common.report.Charts;

/**
 * The final test evaluation of a Fashion-MNIST classifier, written three ways: a printed table, eval.json, and two
 * PNGs (the confusion matrix, and a grid of misclassified test images labelled "true → predicted (p)").
 */
public final class EvalReport {
    private EvalReport() {}

    public static Map<String, Object> json(String model, Evaluator.Result r, List<String> names) {
        Confusion c = r.confusion();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("examples", r.examples());
        m.put("loss", r.loss());
        m.put("accuracy", c.accuracy());
        m.put("macro_f1", c.macroF1());
        List<Map<String, Object>> perClass = new ArrayList<>();
        for (int k = 0; k < c.classes(); k++) {
            Map<String, Object> pc = new LinkedHashMap<>();
            pc.put("class", names.get(k));
            pc.put("precision", c.precision(k));
            pc.put("recall", c.recall(k));
            pc.put("f1", c.f1(k));
            perClass.add(pc);
        }
        m.put("per_class", perClass);
        m.put("labels", names);
        m.put("confusion_matrix", c.counts());
        return m;
    }

    /**
     * Evaluates on test, prints the table, writes eval.json, confusion.png and misclassified.png into dir. If
     * {@code mirrorToo} (for a model that learned with random flips), also reports test-time augmentation: each
     * image's prediction averaged with its mirror image's, printed and written to eval.json as {@code mirror_tta};
     * the returned result and the pictures stay those of the plain test images.
     */
    public static Evaluator.Result write(Path dir, String model, ComputationGraph graph, ImageSet.View test,
                                         ImageBatches.Options options, boolean mirrorToo) {
        // With mirroring, one pass gives both the plain result and the mirrored one.
        Evaluator.TwoViews views = mirrorToo ? mirrored(graph, test, options) : null;
        Evaluator.Result r = mirrorToo ? views.first()
                : Evaluator.evaluate(graph, new ImageBatches(test, options.forEvaluation()), FashionMnist.CLASSES);
        System.out.printf(Locale.ROOT, "Test set (%,d images): accuracy %.4f, loss %.4f%n", r.examples(),
                r.accuracy(), r.loss());
        System.out.print(r.confusion().table(FashionMnist.LABELS));
        Map<String, Object> json = json(model, r, FashionMnist.LABELS);
        if (mirrorToo) {
            Evaluator.Result tta = printMirrored(views);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("accuracy", tta.accuracy());
            m.put("loss", tta.loss());
            json.put("mirror_tta", m);
        }
        Json.write(json, dir.resolve("eval.json"));
        Charts.confusion(dir.resolve("confusion.png"), String.format(Locale.ROOT,
                "%s: test confusion matrix (accuracy %.2f%%)", model, 100 * r.accuracy()),
                r.confusion().counts(), FashionMnist.LABELS);
        misclassified(dir.resolve("misclassified.png"), model, graph, test, options, 24);
        return r;
    }

    /** The test images and their mirror images, evaluated in one pass (see {@link Evaluator.TwoViews}). */
    public static Evaluator.TwoViews mirrored(ComputationGraph graph, ImageSet.View test, ImageBatches.Options options) {
        return Evaluator.evaluate(graph, new ImageBatches(test, options.forEvaluation()),
                ImageBatches.mirrored(test, options), FashionMnist.CLASSES);
    }

    /** Prints the test-time mirroring line and returns its result. */
    public static Evaluator.Result printMirrored(Evaluator.TwoViews views) {
        Evaluator.Result tta = views.mean();
        System.out.printf(Locale.ROOT, "With test-time augmentation (each image's prediction averaged with its "
                + "mirror image's): accuracy %.4f, loss %.4f%n", tta.accuracy(), tta.loss());
        return tta;
    }

    /** The first {@code max} misclassified test images, with the true and predicted class and its probability. */
    static void misclassified(Path png, String model, ComputationGraph graph, ImageSet.View test,
                              ImageBatches.Options options, int max) {
        ImageBatches batches = new ImageBatches(test, options.forEvaluation());
        List<Charts.Tile> tiles = new ArrayList<>();
        int seen = 0;
        byte[] px = test.set().pixels();
        while (batches.hasNext() && tiles.size() < max) {
            var ds = batches.next();
            INDArray probs = graph.outputSingle(false, ds.getFeatures());
            int[] predicted = probs.argMax(1).toIntVector();
            for (int i = 0; i < predicted.length && tiles.size() < max; i++) {
                int idx = test.indices()[seen + i];
                int truth = test.set().label(idx);
                if (predicted[i] != truth) {
                    float[] img = new float[FashionMnist.PIXELS];
                    for (int k = 0; k < img.length; k++) {
                        img[k] = (px[idx * FashionMnist.PIXELS + k] & 0xFF) / 255f;
                    }
                    String caption = FashionMnist.LABELS.get(truth) + " →\n" + FashionMnist.LABELS.get(predicted[i])
                            + String.format(Locale.ROOT, " (%.2f)", probs.getDouble(i, predicted[i]));
                    tiles.add(new Charts.Tile(img, FashionMnist.ROWS, FashionMnist.COLS, caption, true));
                }
            }
            seen += predicted.length;
        }
        Charts.grid(png, model + ": misclassified test images (true → predicted (probability))", tiles, 8, 4);
    }
}
