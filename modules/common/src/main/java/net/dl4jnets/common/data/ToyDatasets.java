package net.dl4jnets.common.data;

import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The 2-D classification sets of TensorFlow Playground: two classes of points in about the square [-1, 1]², made
 * from a seed, with noise as the playground's slider makes it.
 */
public final class ToyDatasets {
    private ToyDatasets() {}

    public enum Kind {
        /** A disc of one class inside a ring of the other. */
        CIRCLE,
        /** The four quadrants, alternating: the sign of x times y. */
        XOR,
        /** Two Gaussian clusters. */
        GAUSS,
        /** Two interleaved spirals, the hard one. */
        SPIRAL;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Points as rows of (x, y) and labels 0 or 1. */
    public record Points(double[][] xy, int[] labels) {
        public int size() {
            return labels.length;
        }

        /** The same points in a random order drawn from rng. */
        public Points shuffled(Random rng) {
            int[] order = Shuffle.permutation(size(), rng);
            double[][] x = new double[size()][];
            int[] l = new int[size()];
            for (int i = 0; i < size(); i++) {
                x[i] = xy[order[i]];
                l[i] = labels[order[i]];
            }
            return new Points(x, l);
        }

        /** First {@code n} points and the rest: the points are already in random order. */
        public Points[] split(int n) {
            double[][] a = Arrays.copyOfRange(xy, 0, n);
            double[][] b = Arrays.copyOfRange(xy, n, xy.length);
            return new Points[] {new Points(a, Arrays.copyOfRange(labels, 0, n)),
                    new Points(b, Arrays.copyOfRange(labels, n, labels.length))};
        }

        /** Features (one column per feature) and one-hot labels [n, 2], in double precision. */
        public DataSet toDataSet(Feature... features) {
            double[][] f = new double[size()][features.length];
            double[][] y = new double[size()][2];
            for (int i = 0; i < size(); i++) {
                for (int k = 0; k < features.length; k++) {
                    f[i][k] = features[k].of(xy[i][0], xy[i][1]);
                }
                y[i][labels[i]] = 1;
            }
            return new DataSet(Nd4j.create(f).castTo(DataType.FLOAT), Nd4j.create(y).castTo(DataType.FLOAT));
        }
    }

    /** Input features the playground can feed the network, computed from the point's coordinates. */
    public enum Feature {
        X, Y, X2, Y2, XY, SINX, SINY;

        public double of(double x, double y) {
            return switch (this) {
                case X -> x;
                case Y -> y;
                case X2 -> x * x;
                case Y2 -> y * y;
                case XY -> x * y;
                case SINX -> Math.sin(Math.PI * x);
                case SINY -> Math.sin(Math.PI * y);
            };
        }

        public String id() {
            return switch (this) {
                case X2 -> "x²";
                case Y2 -> "y²";
                case XY -> "xy";
                case SINX -> "sin(πx)";
                case SINY -> "sin(πy)";
                default -> name().toLowerCase(Locale.ROOT);
            };
        }
    }

    /** {@code n} points of two classes, as {@link #make(Kind, int, double, long, int)} makes them. */
    public static Points make(Kind kind, int n, double noise, long seed) {
        return make(kind, n, noise, seed, 2);
    }

    /**
     * The points TensorFlow Playground draws (its {@code dataset.ts}), in coordinates a fifth of its own, so that they
     * lie in about [-1, 1]²: {@code noise} is its slider over 100 (0 to 0.5), and means what it means there. For the
     * circle and XOR a point stays where it is and its label is that of a copy moved by up to {@code noise} (of the
     * square's half-width) each way, so noise blurs the boundary instead of scattering the points; the Gaussians
     * spread from a variance of 0.5 to 4 (of its units); the spiral's points move by up to {@code noise} of its units.
     * More than two classes, which the playground does not have: the Gaussians sit on a circle and the spiral has an
     * arm per class. Shuffled.
     */
    public static Points make(Kind kind, int n, double noise, long seed, int classes) {
        if (classes < 2 || (classes > 2 && (kind == Kind.CIRCLE || kind == Kind.XOR))) {
            throw new IllegalArgumentException(kind.id() + " cannot have " + classes + " classes");
        }
        Random rng = new Random(seed);
        double[][] xy = new double[n][];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int label = i % classes;
            switch (kind) {
                case CIRCLE -> {
                    double r = label == 0 ? 0.5 * rng.nextDouble() : 0.7 + 0.3 * rng.nextDouble();
                    double t = 2 * Math.PI * rng.nextDouble();
                    double x = r * Math.sin(t);
                    double y = r * Math.cos(t);
                    double nx = x + (2 * rng.nextDouble() - 1) * noise;
                    double ny = y + (2 * rng.nextDouble() - 1) * noise;
                    xy[i] = new double[] {x, y};
                    label = Math.hypot(nx, ny) < 0.5 ? 0 : 1;
                }
                case XOR -> {
                    double x = rng.nextDouble() * 2 - 1;
                    double y = rng.nextDouble() * 2 - 1;
                    x += Math.signum(x) * 0.06; // its padding of 0.3 around the axes
                    y += Math.signum(y) * 0.06;
                    double nx = x + (2 * rng.nextDouble() - 1) * noise;
                    double ny = y + (2 * rng.nextDouble() - 1) * noise;
                    xy[i] = new double[] {x, y};
                    label = nx * ny >= 0 ? 1 : 0;
                }
                case GAUSS -> {
                    double a = 1.25 * Math.PI + 2 * Math.PI * label / classes;
                    double sd = Math.sqrt(0.5 + 7 * noise) / 5; // its variance, 0.5 to 4, in its units
                    xy[i] = new double[] {0.4 * Math.sqrt(2) * Math.cos(a) + sd * rng.nextGaussian(),
                            0.4 * Math.sqrt(2) * Math.sin(a) + sd * rng.nextGaussian()};
                }
                case SPIRAL -> {
                    double f = rng.nextDouble();
                    double r = f;
                    double t = 1.75 * f * 2 * Math.PI + label * 2 * Math.PI / classes;
                    xy[i] = new double[] {r * Math.sin(t) + (2 * rng.nextDouble() - 1) * noise / 5,
                            r * Math.cos(t) + (2 * rng.nextDouble() - 1) * noise / 5};
                }
            }
            labels[i] = label;
        }
        return new Points(xy, labels).shuffled(rng);
    }
}
