package net.dl4jnets.web.playground;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executor;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.google.gson.GsonBuilder;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonWriter;

import net.dl4jnets.common.data.Shuffle;
import net.dl4jnets.common.data.ToyDatasets.Feature;
import net.dl4jnets.common.io.AtomicFiles;
import net.dl4jnets.common.io.Json;
import net.dl4jnets.engine.Engine;
import net.dl4jnets.common.report.BoundaryChart;
import net.dl4jnets.common.train.Checkpoints;
import net.dl4jnets.common.train.RunFolder;
import net.dl4jnets.mlp.playground.PlaygroundSpec.BadRequest;
import net.dl4jnets.mlp.playground.PlaygroundSpec.Dataset;
import net.dl4jnets.mlp.playground.PlaygroundSpec;
import net.dl4jnets.mlp.playground.PlaygroundNetwork;

/**
 * One browser tab's playground: its points, its DL4J network and the training of it. Training runs in slices of
 * {@link #SLICE_MILLIS}, ended between two batches, on the server's shared pool, each session queued again behind
 * the others after its slice, so many tabs share the cores in turn; after each slice the
 * session publishes an immutable snapshot (losses, heatmaps, weights) that state requests return without waiting
 * for training. Every change to the network happens under the session's lock.
 */
final class PlaygroundSession {
    /** A slice of training between two published snapshots: 50 ms gives the page up to 20 new frames a second. */
    static final long SLICE_MILLIS = 50;
    /**
     * Training pauses when no request has come for this long: the page asks for state 20 times a second while
     * playing, and a hidden tab still about once a second (browsers' timer throttling), so only a closed tab, or one
     * hidden for minutes, stops asking; without this, closed tabs trained on for the whole idle timeout.
     */
    static final long UNWATCHED_MILLIS = 5_000;
    /** The output heatmap's cells per side, over [-{@link #EXTENT}, {@link #EXTENT}]². */
    static final int GRID = 50;
    /** Neuron heatmaps take every second cell of the output grid: 25 × 25 is plenty for a thumbnail. */
    static final int NEURON_STEP = 2;
    static final double EXTENT = 1.2;
    private static final int HISTORY = 600;
    private static final TypeAdapter<Double> FINITE_OR_NULL = new TypeAdapter<>() {
        @Override
        public void write(JsonWriter out, Double v) throws java.io.IOException {
            if (v == null || !Double.isFinite(v)) {
                out.nullValue();
            } else {
                out.value(v);
            }
        }

        @Override
        public Double read(JsonReader in) {
            throw new UnsupportedOperationException("written only");
        }
    };

    /** JSON for the page: a number that is not finite (a diverged network) is written as null, which JSON allows. */
    private static final Gson GSON = new GsonBuilder().serializeNulls()
            .registerTypeAdapter(Double.class, FINITE_OR_NULL).registerTypeAdapter(double.class, FINITE_OR_NULL).create();

    final String id;
    private final Executor pool;
    private final Object lock = new Object();
    private PlaygroundSpec spec;
    private PlaygroundData uploaded;
    private PlaygroundData data;
    private float[] trainX;
    private float[] trainY;
    private INDArray allFeatures;
    private INDArray grid;
    private ComputationGraph net;
    private int epoch;
    /** Where the epoch in progress is: its order of the training points, and the first point of the next batch. */
    private int[] order;
    private int batchStart;
    private Scores scores;
    private String message;
    private int dataVersion;
    private boolean queued;
    private volatile boolean playing;
    private volatile boolean closed;
    private volatile String snapshot;
    private volatile long lastSeen = System.nanoTime();
    private final History history = new History();

    PlaygroundSession(String id, PlaygroundSpec spec, Executor pool) {
        this.id = id;
        this.pool = pool;
        synchronized (lock) {
            reset(spec, true);
        }
    }

    /** Marks the session as used now; idle ones are closed by the server. */
    void touch() {
        lastSeen = System.nanoTime();
    }

    long idleNanos() {
        return System.nanoTime() - lastSeen;
    }

    void close() {
        closed = true;
        playing = false;
    }

    String snapshot() {
        return snapshot;
    }

    /** New settings: a learning-rate change keeps training, as in TensorFlow Playground; any other change resets. */
    void update(PlaygroundSpec next) {
        synchronized (lock) {
            if (spec.sameButLearningRate(next)) {
                spec = next;
                net.setLearningRate(next.learningRate());
                publish();
            } else {
                reset(next, !spec.sameData(next) || next.dataset() == Dataset.UPLOAD);
            }
        }
    }

    /** Points from a CSV file: the session switches to them and resets. */
    void upload(PlaygroundData points) {
        synchronized (lock) {
            uploaded = points;
            PlaygroundSpec.Problem p = points.regression() ? PlaygroundSpec.Problem.REGRESSION : PlaygroundSpec.Problem.CLASSIFICATION;
            reset(spec.withDataset(p, Dataset.UPLOAD, Math.max(2, points.classes())), true);
        }
    }

    void play() {
        synchronized (lock) {
            message = null;
            playing = true;
            schedule();
            publish();
        }
    }

    void pause() {
        synchronized (lock) {
            playing = false;
            publish();
        }
    }

    /** One epoch, as the playground's step button does. */
    void step() {
        synchronized (lock) {
            playing = false;
            trainEpoch();
            publish();
        }
    }

    /** The same network from its first weights (the seed decides them), the same points. */
    void restart() {
        synchronized (lock) {
            reset(spec, false);
        }
    }

    /** Everything is built before anything is replaced: a refused setting leaves the session as it was. */
    private void reset(PlaygroundSpec next, boolean newData) {
        PlaygroundData points = newData || data == null ? PlaygroundData.of(next, uploaded) : data;
        if (points.regression() != (next.problem() == PlaygroundSpec.Problem.REGRESSION)
                || (!points.regression() && points.classes() != next.classes())) {
            throw new BadRequest("The uploaded points have " + (points.regression() ? "targets, not classes"
                    : points.classes() + " classes") + ": choose the matching problem type, or upload again.");
        }
        ComputationGraph fresh = Engine.network(PlaygroundNetwork.graph(next));
        fresh.init();
        if (points != data) {
            dataVersion++;
        }
        playing = false;
        message = null;
        data = points;
        spec = next;
        trainX = PlaygroundData.features(next.features(), Arrays.copyOf(data.xy(), data.trainCount()));
        trainY = data.trainTargets();
        allFeatures = matrix(PlaygroundData.features(next.features(), data.xy()), next.features().size());
        grid = matrix(PlaygroundData.features(next.features(), gridPoints()), next.features().size());
        net = fresh;
        epoch = 0;
        batchStart = 0;
        history.clear();
        scores = score();
        history.add(0, scores);
        publish();
    }

    private void schedule() {
        if (playing && !queued && !closed) {
            queued = true;
            pool.execute(this::slice);
        }
    }

    /**
     * Trains while playing for one slice, publishes, and queues the next slice behind other sessions' slices. A slice
     * ends at its time, between two batches: an epoch of batch 1 over 5,000 uploaded points took 46 s, and when a
     * slice ran whole epochs two such tabs cut a light tab from 36 to 1.7 epochs a second.
     */
    private void slice() {
        synchronized (lock) {
            queued = false;
            if (!playing || closed) {
                return;
            }
            if (idleNanos() > UNWATCHED_MILLIS * 1_000_000) {
                playing = false;
                message = "Paused: this page stopped asking for updates (its tab was hidden or closed). Play goes on.";
                publish();
                return;
            }
            long end = System.nanoTime() + SLICE_MILLIS * 1_000_000;
            try {
                do {
                    fitBatch();
                } while (playing && System.nanoTime() < end);
            } catch (RuntimeException e) {
                // a failure here must not leave the page waiting on a session that silently stopped
                e.printStackTrace();
                playing = false;
                message = "Training stopped: " + e + ". Reset, or change a setting.";
            }
            publish();
            schedule();
        }
    }

    /** The rest of the epoch in progress (all of one, between epochs), as the playground's step button does. */
    private void trainEpoch() {
        while (!fitBatch()) {
            // the next batch
        }
    }

    /**
     * The next mini-batch of the epoch in progress, each epoch a pass over the training points in a fresh random
     * order, built straight from Java arrays (DataSet's own shuffle-and-split made three ND4J copies per batch, a
     * third of an epoch here); returns whether it ended the epoch.
     */
    private boolean fitBatch() {
        int n = data.trainCount();
        int f = spec.features().size();
        int k = spec.outputs();
        if (batchStart == 0) {
            order = Shuffle.permutation(n, new Random(spec.seed() * 1_000_003 + epoch));
        }
        int b = Math.min(spec.batchSize(), n - batchStart);
        float[] x = new float[b * f];
        float[] y = new float[b * k];
        for (int i = 0; i < b; i++) {
            System.arraycopy(trainX, order[batchStart + i] * f, x, i * f, f);
            System.arraycopy(trainY, order[batchStart + i] * k, y, i * k, k);
        }
        // net.fit(batch), in one Java pass where the engine covers the network (a millisecond of DL4J's per-call
        // machinery otherwise, for a few hundred multiply-adds)
        Engine.fit(net, new DataSet(Nd4j.create(x, new long[] {b, f}), Nd4j.create(y, new long[] {b, k})));
        batchStart += b;
        if (batchStart < n) {
            return false;
        }
        batchStart = 0;
        endEpoch();
        return true;
    }

    private void endEpoch() {
        epoch++;
        scores = score();
        history.add(epoch, scores);
        if (spec.stopEpochs() > 0 && epoch >= spec.stopEpochs()) {
            playing = false;
            message = "Stopped after " + epoch + " epochs, as asked.";
        } else if (spec.stopTestLoss() > 0 && scores.testLoss <= spec.stopTestLoss()) {
            playing = false;
            message = String.format(Locale.ROOT, "Stopped at epoch %d: test loss %.4f reached the target %s.", epoch,
                    scores.testLoss, PlaygroundNetwork.number(spec.stopTestLoss()));
        } else if (!Double.isFinite(scores.trainLoss)) {
            playing = false;
            message = "The loss is no longer a number (the learning rate is too high for this network): reset, or lower the rate.";
        }
    }

    /** Loss (cross-entropy or squared error, without the regularisation term) and accuracy of both parts. */
    record Scores(double trainLoss, double testLoss, double trainAccuracy, double testAccuracy) {}

    private Scores score() {
        INDArray o = net.outputSingle(false, allFeatures);
        int width = (int) o.columns();
        float[] out = flat(o);
        double[] loss = new double[2];
        double[] right = new double[2];
        int n = data.size();
        for (int i = 0; i < n; i++) {
            int part = i < data.trainCount() ? 0 : 1;
            double y = data.y()[i];
            if (data.regression()) {
                double e = out[i] - y;
                loss[part] += e * e;
            } else {
                int label = (int) y;
                loss[part] -= Math.log(Math.max(out[i * width + label], 1e-7));
                int best = 0;
                for (int k = 1; k < width; k++) {
                    if (out[i * width + k] > out[i * width + best]) {
                        best = k;
                    }
                }
                right[part] += best == label ? 1 : 0;
            }
        }
        int nTrain = data.trainCount();
        int nTest = n - nTrain;
        double na = data.regression() ? Double.NaN : 1;
        return new Scores(loss[0] / nTrain, loss[1] / nTest, na * right[0] / nTrain, na * right[1] / nTest);
    }

    /** The centres of the grid's cells, row by row from the top left. */
    private static double[][] gridPoints() {
        double[][] xy = new double[GRID * GRID][];
        for (int r = 0; r < GRID; r++) {
            for (int c = 0; c < GRID; c++) {
                xy[r * GRID + c] = new double[] {-EXTENT + (c + 0.5) * 2 * EXTENT / GRID,
                        EXTENT - (r + 0.5) * 2 * EXTENT / GRID};
            }
        }
        return xy;
    }

    private static INDArray matrix(float[] rows, int columns) {
        return Nd4j.create(rows, new long[] {rows.length / columns, columns});
    }

    /** What the page draws, as JSON; built under the lock, read by any thread. */
    private void publish() {
        Map<String, INDArray> acts = net.feedForward(grid, false);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("id", id);
        s.put("epoch", epoch);
        s.put("playing", playing);
        s.put("message", message);
        // what the user asked for (a stop condition met, a pause) is news, not a failure: the page styles it so
        s.put("messageKind", message == null ? null : message.startsWith("Stopped") || message.startsWith("Paused")
                ? "info" : "error");
        s.put("dataVersion", dataVersion);
        s.put("scaleNote", data.scaleNote());
        s.put("classes", data.regression() ? 0 : data.classes());
        s.put("trainLoss", scores.trainLoss);
        s.put("testLoss", scores.testLoss);
        s.put("trainAccuracy", scores.trainAccuracy); // NaN for regression: null in the JSON
        s.put("testAccuracy", scores.testAccuracy);
        s.put("history", history.toMap());
        s.put("grid", GRID);
        INDArray out = acts.get(PlaygroundNetwork.OUTPUT);
        s.put("output", bytes(out, data.regression()));
        s.put("neuronGrid", GRID / NEURON_STEP);
        List<List<String>> neurons = new ArrayList<>();
        List<Map<String, Object>> weights = new ArrayList<>();
        for (int l = 0; l < spec.layers().size(); l++) {
            INDArray a = acts.get(PlaygroundNetwork.layerName(l));
            float[] values = flat(a);
            List<String> maps = new ArrayList<>();
            for (int j = 0; j < a.columns(); j++) {
                maps.add(neuronBytes(values, (int) a.columns(), j));
            }
            neurons.add(maps);
            weights.add(weights(PlaygroundNetwork.layerName(l)));
        }
        weights.add(weights(PlaygroundNetwork.OUTPUT));
        s.put("neurons", neurons);
        s.put("weights", weights);
        s.put("spec", spec);
        snapshot = GSON.toJson(s);
    }

    private Map<String, Object> weights(String layer) {
        return Map.of("w", net.getLayer(layer).getParam("W").toDoubleMatrix(),
                "b", net.getLayer(layer).getParam("b").toDoubleVector());
    }

    /**
     * The output on the grid, a byte per cell and output, base64: a class's probability times 255, or a regression
     * value from [-1, 1] mapped onto 0–255 (clipped).
     */
    private static String bytes(INDArray out, boolean regression) {
        float[] v = flat(out);
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = unitByte(regression ? (v[i] + 1) / 2 : v[i]);
        }
        return Base64.getEncoder().encodeToString(b);
    }

    /** A value of [0, 1] (clipped) as one unsigned byte, 0–255. */
    private static byte unitByte(double t) {
        return (byte) Math.round(255 * Math.max(0, Math.min(1, t)));
    }

    /** The values of a matrix in row order, in one copy (INDArray.toFloatMatrix makes a view per row). */
    private static float[] flat(INDArray a) {
        return a.dup('c').data().asFloat();
    }

    /** One neuron's activation on every second cell of the grid, from [-1, 1] onto 0–255 (clipped). */
    private static String neuronBytes(float[] acts, int width, int neuron) {
        int n = GRID / NEURON_STEP;
        byte[] b = new byte[n * n];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                b[r * n + c] = unitByte((acts[((r * NEURON_STEP) * GRID + c * NEURON_STEP) * width + neuron] + 1) / 2);
            }
        }
        return Base64.getEncoder().encodeToString(b);
    }

    /** The points as the page draws them: train and test, each point x, y and its class or target. */
    String points() {
        synchronized (lock) {
            Map<String, Object> p = new LinkedHashMap<>();
            double[][] rows = new double[data.size()][];
            for (int i = 0; i < data.size(); i++) {
                rows[i] = new double[] {round(data.xy()[i][0]), round(data.xy()[i][1]), data.y()[i]};
            }
            p.put("dataVersion", dataVersion);
            p.put("train", java.util.Arrays.copyOfRange(rows, 0, data.trainCount()));
            p.put("test", java.util.Arrays.copyOfRange(rows, data.trainCount(), rows.length));
            return GSON.toJson(p);
        }
    }

    private static double round(double v) {
        return Math.round(v * 1e4) / 1e4;
    }

    String javaCode() {
        synchronized (lock) {
            return PlaygroundNetwork.javaCode(spec);
        }
    }

    /** A run folder like every other command's: config.json, model.zip (stock DL4J), boundary.png, points, source. */
    Path save(RunFolder folder) {
        synchronized (lock) {
            Json.write(new SavedRun(JsonParser.parseString(spec.toJson()), epoch, scores.trainLoss, scores.testLoss,
                    nanToNull(scores.trainAccuracy), nanToNull(scores.testAccuracy), Engine.line()),
                    folder.file("config.json"));
            Checkpoints.saveModel(net, folder.file("model.zip"));
            AtomicFiles.writeText(PlaygroundNetwork.javaCode(spec), folder.file("PlaygroundNet.java"));
            StringBuilder csv = new StringBuilder(data.regression() ? "x,y,target,split\n" : "x,y,label,split\n");
            List<BoundaryChart.Point> drawn = new ArrayList<>();
            for (int i = 0; i < data.size(); i++) {
                boolean test = i >= data.trainCount();
                double[] p = data.xy()[i];
                csv.append(String.format(Locale.ROOT, "%.6f,%.6f,%s,%s%n", p[0], p[1],
                        data.regression() ? Double.toString(data.y()[i]) : Integer.toString((int) data.y()[i]),
                        test ? "test" : "train"));
                drawn.add(new BoundaryChart.Point(p[0], p[1], data.regression() ? (data.y()[i] > 0 ? 1 : 0) : (int) data.y()[i], test));
            }
            AtomicFiles.writeText(csv.toString(), folder.file("points.csv"));
            List<Feature> f = spec.features();
            String title = String.format(Locale.ROOT, "%s, %s: epoch %d, test loss %.4f",
                    spec.dataset().name().toLowerCase(Locale.ROOT), PlaygroundNetwork.describe(spec), epoch, scores.testLoss);
            BoundaryChart.drawClasses(folder.file("boundary.png"), title, -EXTENT, EXTENT,
                    data.regression() ? 2 : data.classes(), (xs, ys) -> {
                        double[][] xy = new double[xs.length][];
                        for (int i = 0; i < xs.length; i++) {
                            xy[i] = new double[] {xs[i], ys[i]};
                        }
                        double[][] o = net.outputSingle(false, matrix(PlaygroundData.features(f, xy), f.size()))
                                .toDoubleMatrix();
                        if (data.regression()) {
                            for (int i = 0; i < o.length; i++) {
                                double v = Math.max(0, Math.min(1, (o[i][0] + 1) / 2));
                                o[i] = new double[] {1 - v, v};
                            }
                        }
                        return o;
                    }, drawn);
            return folder.dir();
        }
    }

    private static Double nanToNull(double v) {
        return Double.isNaN(v) ? null : v;
    }

    /**
     * config.json of a saved playground run: the settings exactly as links and the API write them (camelCase, so they
     * can be posted back to the server), the figures in the snake_case of every run folder's config.json.
     */
    record SavedRun(JsonElement settings, int epochs, double trainLoss, double testLoss, Double trainAccuracy,
                    Double testAccuracy, String engine) {}

    /** Losses per epoch for the chart, thinned to at most {@link #HISTORY} points by doubling the stride. */
    private static final class History {
        private final List<double[]> rows = new ArrayList<>();
        private int stride = 1;

        void clear() {
            rows.clear();
            stride = 1;
        }

        void add(int epoch, Scores s) {
            if (epoch % stride != 0) {
                return;
            }
            rows.add(new double[] {epoch, s.trainLoss, s.testLoss});
            if (rows.size() > HISTORY) {
                stride *= 2;
                rows.removeIf(r -> ((int) r[0]) % stride != 0);
            }
        }

        Map<String, Object> toMap() {
            // columns of epoch, train loss and test loss
            double[][] cols = new double[3][rows.size()];
            for (int i = 0; i < rows.size(); i++) {
                for (int k = 0; k < 3; k++) {
                    cols[k][i] = rows.get(i)[k];
                }
            }
            return Map.of("epoch", cols[0], "train", cols[1], "test", cols[2]);
        }
    }
}
