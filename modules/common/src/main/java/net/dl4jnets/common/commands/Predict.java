package net.dl4jnets.common.commands;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

import net.dl4jnets.common.backend.Backend;
import net.dl4jnets.common.cli.CommonOptions;
import net.dl4jnets.common.cli.NetsCommand;
import net.dl4jnets.common.data.FashionMnist;
import net.dl4jnets.common.data.FashionMnistLocator;
import net.dl4jnets.common.data.ImageBatches;
import net.dl4jnets.common.data.ImageSet;
import net.dl4jnets.common.data.Layout;
import net.dl4jnets.common.data.UserImage;
import net.dl4jnets.common.eval.EvalReport;
import net.dl4jnets.common.eval.Evaluator;
import net.dl4jnets.common.io.UserError;
import net.dl4jnets.common.train.Checkpoints;
import net.dl4jnets.common.train.RunConfig;
import net.dl4jnets.engine.Engine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Uses any saved Fashion-MNIST classifier: classifies the user's own images (top 3 classes), or, given no images,
 * evaluates the model on the test set. The model's run folder says how its inputs were prepared (layout,
 * standardisation); that is how one command serves the MLP, the CNNs and the RNNs alike.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Classify your own images with a saved model, or evaluate it on the Fashion-MNIST test set.")
public final class Predict implements NetsCommand {
    @Mixin
    CommonOptions common = new CommonOptions();

    @Option(names = "--model", required = true, paramLabel = "PATH",
            description = "A run folder (uses its best model, model.zip) or a model/checkpoint .zip inside one.")
    Path model;

    @Option(names = "--top", paramLabel = "K", defaultValue = "3", description = "Classes to show per image (default: ${DEFAULT-VALUE}).")
    int top;

    @Parameters(paramLabel = "IMAGE", arity = "0..*",
            description = "PNG, JPEG, GIF or BMP files of any size. None: evaluate on the test set instead.")
    List<Path> images = new ArrayList<>();

    /**
     * A saved classifier with what it needs to see its inputs as it saw them in training.
     *
     * @param learnedFlips it trained on randomly mirrored images, so test-time mirroring suits it
     */
    public record SavedClassifier(String name, ComputationGraph graph, Layout layout, double[] standardize,
                                  boolean learnedFlips) {
        public ImageBatches.Options options(int batchSize) {
            return new ImageBatches.Options(layout, batchSize, false, 0, standardize, null);
        }

        /** Class probabilities for 28x28 images given as bytes, one row per image. */
        public INDArray probabilities(byte[] pixels) {
            int n = pixels.length / FashionMnist.PIXELS;
            ImageBatches batches = new ImageBatches(new ImageSet(pixels, new byte[n]).all(), options(n));
            return Engine.output(graph, batches.next().getFeatures());
        }
    }

    /** One image's verdict: class indices by falling probability. */
    public record Prediction(Path image, int[] classes, double[] probabilities) {}

    @Override
    public Integer call() {
        common.apply();
        common.validate();
        if (top < 1 || top > FashionMnist.CLASSES) {
            throw new UserError("--top must be between 1 and " + FashionMnist.CLASSES + ", got " + top + ".");
        }
        byte[] pixels = readImages(images); // before the backend starts: a bad file should fail fast
        Backend.start(common.threads, Backend.Workload.DENSE);
        SavedClassifier classifier = load(model);
        if (images.isEmpty()) {
            FashionMnist data = FashionMnistLocator.standard(common.dataDir).load();
            ImageSet.View test = data.test().all();
            Evaluator.TwoViews views = classifier.learnedFlips()
                    ? EvalReport.mirrored(classifier.graph(), test, classifier.options(256)) : null;
            Evaluator.Result r = views != null ? views.first() : Evaluator.evaluate(classifier.graph(),
                    new ImageBatches(test, classifier.options(256)), FashionMnist.CLASSES);
            System.out.printf(Locale.ROOT, "%s on the test set (%,d images): accuracy %.4f, loss %.4f%n",
                    classifier.name(), r.examples(), r.accuracy(), r.loss());
            System.out.print(r.confusion().table(FashionMnist.LABELS));
            if (views != null) {
                EvalReport.printMirrored(views);
            }
            return 0;
        }
        List<Prediction> predictions = predict(classifier, images, pixels);
        for (int i = 0; i < predictions.size(); i++) {
            Prediction p = predictions.get(i);
            System.out.println(p.image());
            for (int k = 0; k < top; k++) {
                System.out.printf(Locale.ROOT, "  %d. %-12s %6.2f%%%n", k + 1, FashionMnist.LABELS.get(p.classes()[k]),
                        100 * p.probabilities()[k]);
            }
            if (UserImage.isBlank(Arrays.copyOfRange(pixels, i * FashionMnist.PIXELS, (i + 1) * FashionMnist.PIXELS))) {
                System.out.println("  warning: the picture is blank or almost uniform; nothing stands out from its "
                        + "background, so these classes mean nothing.");
            }
        }
        return 0;
    }

    static byte[] readImages(List<Path> images) {
        byte[] all = new byte[images.size() * FashionMnist.PIXELS];
        for (int i = 0; i < images.size(); i++) {
            System.arraycopy(UserImage.read(images.get(i)), 0, all, i * FashionMnist.PIXELS, FashionMnist.PIXELS);
        }
        return all;
    }

    public static List<Prediction> predict(SavedClassifier classifier, List<Path> images, byte[] pixels) {
        INDArray probs = classifier.probabilities(pixels);
        List<Prediction> out = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            double[] p = probs.getRow(i).toDoubleVector();
            Integer[] order = new Integer[p.length];
            for (int k = 0; k < p.length; k++) {
                order[k] = k;
            }
            Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
            int[] classes = new int[p.length];
            double[] sorted = new double[p.length];
            for (int k = 0; k < p.length; k++) {
                classes[k] = order[k];
                sorted[k] = p[order[k]];
            }
            out.add(new Prediction(images.get(i), classes, sorted));
        }
        return out;
    }

    /** Loads a model saved by a Fashion-MNIST training run; anything else is refused with a reason. */
    public static SavedClassifier load(Path path) {
        Path zip = Files.isDirectory(path) ? path.resolve("model.zip") : path;
        if (!Files.isRegularFile(zip)) {
            throw new UserError("--model " + path + ": no such model file"
                    + (Files.isDirectory(path) ? " (the folder has no model.zip; is it a finished run?)" : "") + ".");
        }
        Path dir = zip.toAbsolutePath().getParent();
        if (!Files.isRegularFile(dir.resolve(RunConfig.FILE))) {
            throw new UserError("--model " + path + ": no config.json beside it, so how its inputs were prepared is "
                    + "unknown; give a model from a run folder written by a nets training command.");
        }
        RunConfig c = RunConfig.read(dir);
        String name = c.architecture();
        Layout layout = c.data().layout();
        if (layout == null) {
            throw new UserError("--model " + path + " is a " + name + " model, not a Fashion-MNIST image classifier.");
        }
        ComputationGraph graph = Checkpoints.loadModel(zip);
        if (graph.getNumOutputArrays() != 1 || !(graph.getOutputLayer(0).conf().getLayer() instanceof BaseOutputLayer out)
                || out.getNOut() != FashionMnist.CLASSES) {
            throw new UserError("--model " + path + " does not output " + FashionMnist.CLASSES
                    + " class probabilities, so it is not a Fashion-MNIST classifier.");
        }
        boolean flips = c.data().augmentation() != null && c.data().augmentation().flip();
        return new SavedClassifier(name, graph, layout, c.data().meanStd(), flips);
    }
}
