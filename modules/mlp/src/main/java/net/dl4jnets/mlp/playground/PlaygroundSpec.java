package net.dl4jnets.mlp.playground;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;

import net.dl4jnets.common.data.ToyDatasets.Feature;

/**
 * Everything the web playground's page can set, as TensorFlow Playground's {@code state.ts} has it, plus what its
 * users asked for (more classes, optimisers, dropout, stop conditions). The server checks every field against
 * {@link Limits} itself: the page's own limits are a convenience, not a guard.
 *
 * @param noise          jitter of the points in percent of the square's half-width, 0–50, as in the playground
 * @param trainPercent   share of the points used for training, 10–90
 * @param layers         hidden layer sizes, 0–6 layers of 1–8 neurons
 * @param dropout        per hidden layer, the share of its outputs dropped while training (0 = none)
 * @param stopEpochs     pause after this many epochs (0 = never)
 * @param stopTestLoss   pause once the test loss is at or below this (0 = never)
 */
public record PlaygroundSpec(Problem problem, Dataset dataset, int classes, int noise, int trainPercent,
                             int batchSize, long seed, List<Feature> features, List<Integer> layers,
                             List<Double> dropout, Act activation, Regularization regularization,
                             double regularizationRate, double learningRate, Optimizer optimizer, int stopEpochs,
                             double stopTestLoss) {

    public enum Problem { CLASSIFICATION, REGRESSION }

    /** The playground's datasets, two of them for regression, and the points a user uploaded. */
    public enum Dataset {
        CIRCLE, XOR, GAUSS, SPIRAL, PLANE, MULTIGAUSS, UPLOAD;

        boolean regression() {
            return this == PLANE || this == MULTIGAUSS;
        }
    }

    public enum Act { TANH, RELU, SIGMOID, LINEAR }

    public enum Regularization { NONE, L1, L2 }

    public enum Optimizer { SGD, MOMENTUM, ADAM }

    /** What the server accepts; the page offers the same. */
    public static final class Limits {
        public static final int MAX_LAYERS = 6;
        public static final int MAX_NEURONS = 8;
        public static final int MAX_BATCH = 30;
        public static final int MAX_CLASSES = 5;
        public static final int MAX_STOP_EPOCHS = 1_000_000;
        /** The page offers 0 to 0.5, as the docs say; more would be a setting no control shows. */
        public static final double MAX_DROPOUT = 0.5;
        /** The playground's learning-rate list. */
        public static final double[] LEARNING_RATES = {0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10};
        /** The playground's regularisation-rate list. */
        public static final double[] REGULARIZATION_RATES = {0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10};

        private Limits() {}
    }

    private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().create();

    /** TensorFlow Playground's opening state: the circle, x₁ and x₂, hidden layers of 4 and 2, tanh, rate 0.03. */
    public static PlaygroundSpec defaults() {
        return new PlaygroundSpec(Problem.CLASSIFICATION, Dataset.CIRCLE, 2, 0, 50, 10, 1,
                List.of(Feature.X, Feature.Y), List.of(4, 2), List.of(0.0, 0.0), Act.TANH, Regularization.NONE, 0,
                0.03, Optimizer.ADAM, 0, 0);
    }

    /** The spec a request body holds, checked; any problem is a {@link BadRequest} naming the field. */
    public static PlaygroundSpec parse(String json) {
        PlaygroundSpec s;
        try {
            s = GSON.fromJson(json, PlaygroundSpec.class);
        } catch (JsonParseException | IllegalArgumentException | IllegalStateException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
            throw new BadRequest("The settings are not valid JSON of the expected shape: " + why);
        }
        if (s == null) {
            throw new BadRequest("The request has no settings (an empty body).");
        }
        return s.checked();
    }

    public String toJson() {
        return GSON.toJson(this);
    }

    /** This spec if every field is within {@link Limits}, else a {@link BadRequest} naming the first bad one. */
    public PlaygroundSpec checked() {
        require(problem != null, "problem must be classification or regression");
        require(dataset != null, "dataset must be one of " + List.of(Dataset.values()).toString().toLowerCase(Locale.ROOT));
        require(dataset == Dataset.UPLOAD || dataset.regression() == (problem == Problem.REGRESSION),
                "dataset " + dataset + " is for " + (dataset.regression() ? "regression" : "classification"));
        require(classes >= 2 && classes <= Limits.MAX_CLASSES, "classes must be 2 to " + Limits.MAX_CLASSES + ", got " + classes);
        require((dataset != Dataset.CIRCLE && dataset != Dataset.XOR) || classes == 2,
                "the " + dataset.name().toLowerCase(Locale.ROOT) + " has 2 classes; gauss and spiral take more");
        require(noise >= 0 && noise <= 50, "noise must be 0 to 50, got " + noise);
        require(trainPercent >= 10 && trainPercent <= 90, "trainPercent must be 10 to 90, got " + trainPercent);
        require(batchSize >= 1 && batchSize <= Limits.MAX_BATCH, "batchSize must be 1 to " + Limits.MAX_BATCH + ", got " + batchSize);
        require(features != null && !features.isEmpty() && !features.contains(null), "at least one input feature must be on");
        require(EnumSet.copyOf(features).size() == features.size(), "a feature is listed twice: " + features);
        require(layers != null && layers.size() <= Limits.MAX_LAYERS && !layers.contains(null),
                "at most " + Limits.MAX_LAYERS + " hidden layers");
        for (int n : layers) {
            require(n >= 1 && n <= Limits.MAX_NEURONS, "a hidden layer has 1 to " + Limits.MAX_NEURONS + " neurons, got " + n);
        }
        require(dropout != null && dropout.size() == layers.size() && !dropout.contains(null),
                "dropout needs one value per hidden layer (" + layers.size() + ")");
        for (double d : dropout) {
            require(d >= 0 && d <= Limits.MAX_DROPOUT, "dropout must be 0 to " + Limits.MAX_DROPOUT + ", got " + d);
        }
        require(activation != null, "activation must be tanh, relu, sigmoid or linear");
        require(regularization != null, "regularization must be none, l1 or l2");
        require(oneOf(regularizationRate, Limits.REGULARIZATION_RATES), "regularizationRate must be one of the playground's rates, got " + regularizationRate);
        require(oneOf(learningRate, Limits.LEARNING_RATES), "learningRate must be one of the playground's rates (0.00001 to 10), got " + learningRate);
        require(optimizer != null, "optimizer must be sgd, momentum or adam");
        require(stopEpochs >= 0 && stopEpochs <= Limits.MAX_STOP_EPOCHS, "stopEpochs must be 0 (never) to " + Limits.MAX_STOP_EPOCHS);
        require(stopTestLoss >= 0 && Double.isFinite(stopTestLoss), "stopTestLoss must be 0 (never) or a positive number");
        return this;
    }

    /** Outputs of the network: one per class, or one value. */
    public int outputs() {
        return problem == Problem.REGRESSION ? 1 : classes;
    }

    /** Whether {@code next} differs from this only in what the playground changes without a reset. */
    public boolean sameButLearningRate(PlaygroundSpec next) {
        return withLearningRate(next.learningRate).equals(next);
    }

    public PlaygroundSpec withLearningRate(double rate) {
        return new PlaygroundSpec(problem, dataset, classes, noise, trainPercent, batchSize, seed, features, layers,
                dropout, activation, regularization, regularizationRate, rate, optimizer, stopEpochs, stopTestLoss);
    }

    public PlaygroundSpec withDataset(Problem p, Dataset d, int k) {
        return new PlaygroundSpec(p, d, k, noise, trainPercent, batchSize, seed, features, layers, dropout, activation,
                regularization, regularizationRate, learningRate, optimizer, stopEpochs, stopTestLoss);
    }

    /** The data of this spec are those of {@code other}: same points, same split. */
    public boolean sameData(PlaygroundSpec other) {
        return problem == other.problem && dataset == other.dataset && classes == other.classes
                && noise == other.noise && trainPercent == other.trainPercent && seed == other.seed;
    }

    private static boolean oneOf(double v, double[] allowed) {
        for (double a : allowed) {
            if (Math.abs(v - a) <= 1e-9 * Math.max(1, a)) {
                return true;
            }
        }
        return false;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new BadRequest(message + ".");
        }
    }

    /** A request the server refuses, with the message the page shows. */
    public static final class BadRequest extends RuntimeException {
        public BadRequest(String message) {
            super(message);
        }
    }

}
