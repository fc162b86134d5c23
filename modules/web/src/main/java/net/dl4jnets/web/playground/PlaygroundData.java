package net.dl4jnets.web.playground;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.datavec.api.records.reader.impl.csv.CSVRecordReader;
import org.datavec.api.split.InputStreamInputSplit;
import org.datavec.api.writable.Writable;

import net.dl4jnets.common.data.Shuffle;
import net.dl4jnets.common.data.ToyDatasets;
import net.dl4jnets.common.data.ToyDatasets.Feature;
import net.dl4jnets.mlp.playground.PlaygroundSpec.BadRequest;
import net.dl4jnets.mlp.playground.PlaygroundSpec.Dataset;
import net.dl4jnets.mlp.playground.PlaygroundSpec;

/**
 * The points of a playground: x, y in about [-1, 1]² and a class (0..k-1) or a target value, split into train and
 * test. Classification sets come from {@link ToyDatasets} (500 points, as TensorFlow Playground draws); regression
 * sets follow the playground's plane and multi-Gaussian (1,200 points, its number for regression).
 */
public record PlaygroundData(double[][] xy, double[] y, int classes, int trainCount, String scaleNote) {
    public static final int CLASSIFY_POINTS = 500;
    public static final int REGRESS_POINTS = 1200;
    public static final int MAX_UPLOAD_BYTES = 1 << 20;
    public static final int MAX_UPLOAD_POINTS = 5000;

    /** {@code classes} is 0 for regression. */
    public boolean regression() {
        return classes == 0;
    }

    public int size() {
        return y.length;
    }

    /** The points a spec asks for; an upload is passed in as {@code uploaded} (already checked). */
    static PlaygroundData of(PlaygroundSpec spec, PlaygroundData uploaded) {
        double noise = spec.noise() / 100.0;
        Random rng = new Random(spec.seed());
        PlaygroundData all = switch (spec.dataset()) {
            case UPLOAD -> {
                if (uploaded == null) {
                    throw new BadRequest("No points uploaded yet: choose a CSV file first.");
                }
                yield uploaded.shuffled(new Random(spec.seed()));
            }
            case PLANE, MULTIGAUSS -> regression(spec.dataset(), noise, rng);
            default -> {
                ToyDatasets.Points p = ToyDatasets.make(ToyDatasets.Kind.valueOf(spec.dataset().name()),
                        CLASSIFY_POINTS, noise, spec.seed(), spec.classes());
                double[] labels = new double[p.size()];
                for (int i = 0; i < labels.length; i++) {
                    labels[i] = p.labels()[i];
                }
                yield new PlaygroundData(p.xy(), labels, spec.classes(), 0, null);
            }
        };
        int train = Math.max(1, Math.min(all.size() - 1, (int) Math.round(all.size() * spec.trainPercent() / 100.0)));
        return new PlaygroundData(all.xy, all.y, all.classes, train, all.scaleNote);
    }

    /**
     * TensorFlow Playground's regression sets on [-1, 1]²: a tilted plane, and six signed Gaussian bumps; noise as
     * its {@code dataset.ts} makes it (see {@link ToyDatasets#make}).
     */
    private static PlaygroundData regression(Dataset kind, double noise, Random rng) {
        double[][] xy = new double[REGRESS_POINTS][];
        double[] y = new double[REGRESS_POINTS];
        double[][] bumps = {{-0.67, 0.33, 1}, {0, 0.33, -1}, {0.67, 0.33, 1}, {-0.67, -0.33, -1}, {0, -0.33, 1},
                {0.67, -0.33, -1}};
        for (int i = 0; i < REGRESS_POINTS; i++) {
            double x = rng.nextDouble() * 2 - 1;
            double v = rng.nextDouble() * 2 - 1;
            // as the playground: the point stays, its target is that of a copy moved by up to noise each way
            double nx = x + (2 * rng.nextDouble() - 1) * noise;
            double nv = v + (2 * rng.nextDouble() - 1) * noise;
            double target;
            if (kind == Dataset.PLANE) {
                target = (nx + nv) / 2;
            } else {
                target = 0;
                for (double[] b : bumps) {
                    double d = Math.hypot(nx - b[0], nv - b[1]);
                    double t = b[2] * Math.max(0, 1 - d / 0.33);
                    if (Math.abs(t) > Math.abs(target)) {
                        target = t;
                    }
                }
            }
            xy[i] = new double[] {x, v};
            y[i] = target;
        }
        return new PlaygroundData(xy, y, 0, 0, null);
    }

    /**
     * Points from a CSV upload: a header line if it likes, then {@code x,y,label} (classification, labels 0..4) or {@code x,y,target}
     * (regression). Points are scaled into [-1, 1]² if they lie outside it. Every problem names its line.
     */
    public static PlaygroundData parseCsv(String text, boolean regression) {
        if (text == null || text.isBlank()) {
            throw new BadRequest("The CSV file is empty.");
        }
        if (text.length() > MAX_UPLOAD_BYTES) {
            throw new BadRequest("The CSV file is larger than 1 MB.");
        }
        List<double[]> rows = new ArrayList<>();
        // a first line of numbers is a point, not a header (it was skipped, and the point silently lost)
        String first = text.strip().lines().findFirst().orElse("");
        boolean header = !first.matches("\\s*[-+0-9.eE]+\\s*,\\s*[-+0-9.eE]+\\s*,\\s*[-+0-9.eE]+\\s*");
        try (CSVRecordReader reader = new CSVRecordReader(header ? 1 : 0, ',')) {
            reader.initialize(new InputStreamInputSplit(new java.io.ByteArrayInputStream(
                    text.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
            int line = header ? 1 : 0;
            while (reader.hasNext()) {
                line++;
                List<Writable> row = reader.next();
                if (row.size() == 1 && row.get(0).toString().isBlank()) {
                    continue;
                }
                if (row.size() != 3) {
                    throw new BadRequest("CSV line " + line + ": expected 3 columns x,y," + (regression ? "target" : "label")
                            + ", found " + row.size() + ".");
                }
                double[] r = new double[3];
                for (int k = 0; k < 3; k++) {
                    try {
                        r[k] = Double.parseDouble(row.get(k).toString().trim());
                    } catch (NumberFormatException e) {
                        throw new BadRequest("CSV line " + line + ": '" + row.get(k) + "' is not a number.");
                    }
                    if (!Double.isFinite(r[k])) {
                        throw new BadRequest("CSV line " + line + ": values must be finite numbers.");
                    }
                }
                if (!regression && (r[2] != Math.rint(r[2]) || r[2] < 0 || r[2] >= PlaygroundSpec.Limits.MAX_CLASSES)) {
                    throw new BadRequest("CSV line " + line + ": a label is a class number 0 to "
                            + (PlaygroundSpec.Limits.MAX_CLASSES - 1) + ", got " + row.get(2) + ".");
                }
                rows.add(r);
                if (rows.size() > MAX_UPLOAD_POINTS) {
                    throw new BadRequest("The CSV file has more than " + MAX_UPLOAD_POINTS + " points.");
                }
            }
        } catch (BadRequest e) {
            throw e;
        } catch (IOException | InterruptedException | RuntimeException e) {
            throw new BadRequest("The file could not be read as CSV (" + e.getMessage() + ").");
        }
        if (rows.size() < 4) {
            throw new BadRequest("The CSV file needs at least 4 points, has " + rows.size() + ".");
        }
        double scale = 0;
        int classes = 0;
        for (double[] r : rows) {
            scale = Math.max(scale, Math.max(Math.abs(r[0]), Math.abs(r[1])));
            classes = Math.max(classes, (int) r[2] + 1);
        }
        if (!regression && classes < 2) {
            throw new BadRequest("The CSV file has only class 0; a classifier needs at least two classes.");
        }
        double s = scale > 1 ? 1 / scale : 1;
        double[][] xy = new double[rows.size()][];
        double[] y = new double[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            xy[i] = new double[] {rows.get(i)[0] * s, rows.get(i)[1] * s};
            y[i] = rows.get(i)[2];
        }
        String note = s < 1 ? String.format(Locale.ROOT, "x and y scaled by 1/%.3g to fit the square", scale) : null;
        return new PlaygroundData(xy, y, regression ? 0 : classes, 0, note);
    }

    private PlaygroundData shuffled(Random rng) {
        int[] order = Shuffle.permutation(size(), rng);
        double[][] a = new double[size()][];
        double[] b = new double[size()];
        for (int i = 0; i < size(); i++) {
            a[i] = xy[order[i]];
            b[i] = y[order[i]];
        }
        return new PlaygroundData(a, b, classes, 0, scaleNote);
    }

    /** The input features of points (x, y), a row of one value per feature each, flattened row by row. */
    static float[] features(List<Feature> features, double[][] xy) {
        int f = features.size();
        float[] rows = new float[xy.length * f];
        for (int i = 0; i < xy.length; i++) {
            for (int k = 0; k < f; k++) {
                rows[i * f + k] = (float) features.get(k).of(xy[i][0], xy[i][1]);
            }
        }
        return rows;
    }

    /** Targets of the training points, flattened row by row: one-hot classes, or the value. */
    float[] trainTargets() {
        int width = regression() ? 1 : classes;
        float[] t = new float[trainCount * width];
        for (int i = 0; i < trainCount; i++) {
            t[i * width + (regression() ? 0 : (int) y[i])] = regression() ? (float) y[i] : 1f;
        }
        return t;
    }
}
