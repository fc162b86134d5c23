package net.dl4jnets.common.eval;

import java.util.List;
import java.util.Locale;

/** A confusion matrix (rows: true class, columns: predicted class) and the metrics it determines. */
public final class Confusion {
    private final long[][] counts;

    public Confusion(int classes) {
        this.counts = new long[classes][classes];
    }

    public static Confusion of(long[][] counts) {
        Confusion c = new Confusion(counts.length);
        for (int i = 0; i < counts.length; i++) {
            System.arraycopy(counts[i], 0, c.counts[i], 0, counts.length);
        }
        return c;
    }

    public void add(int truth, int predicted) {
        counts[truth][predicted]++;
    }

    public int classes() {
        return counts.length;
    }

    public long count(int truth, int predicted) {
        return counts[truth][predicted];
    }

    public long[][] counts() {
        long[][] copy = new long[counts.length][];
        for (int i = 0; i < counts.length; i++) {
            copy[i] = counts[i].clone();
        }
        return copy;
    }

    public long total() {
        long t = 0;
        for (long[] row : counts) {
            for (long v : row) {
                t += v;
            }
        }
        return t;
    }

    public double accuracy() {
        long right = 0;
        for (int i = 0; i < counts.length; i++) {
            right += counts[i][i];
        }
        long total = total();
        return total == 0 ? Double.NaN : (double) right / total;
    }

    /** Of the images predicted as c, the share that are c. 0 when nothing was predicted as c. */
    public double precision(int c) {
        long predicted = 0;
        for (long[] row : counts) {
            predicted += row[c];
        }
        return predicted == 0 ? 0 : (double) counts[c][c] / predicted;
    }

    /** Of the images of class c, the share predicted as c. */
    public double recall(int c) {
        long actual = 0;
        for (long v : counts[c]) {
            actual += v;
        }
        return actual == 0 ? 0 : (double) counts[c][c] / actual;
    }

    public double f1(int c) {
        double p = precision(c);
        double r = recall(c);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    public double macroF1() {
        double s = 0;
        for (int c = 0; c < counts.length; c++) {
            s += f1(c);
        }
        return s / counts.length;
    }

    /** A readable table: per-class precision, recall, F1, then the matrix itself with class names. */
    public String table(List<String> names) {
        StringBuilder sb = new StringBuilder();
        int w = Math.max(12, names.stream().mapToInt(String::length).max().orElse(5) + 1);
        sb.append(String.format(Locale.ROOT, "%-" + w + "s %9s %7s %7s %7s%n", "class", "precision", "recall", "F1", "count"));
        for (int c = 0; c < counts.length; c++) {
            long actual = 0;
            for (long v : counts[c]) {
                actual += v;
            }
            sb.append(String.format(Locale.ROOT, "%-" + w + "s %9.3f %7.3f %7.3f %7d%n", names.get(c), precision(c),
                    recall(c), f1(c), actual));
        }
        sb.append(String.format(Locale.ROOT, "%-" + w + "s %9s %7s %7.3f %7d%n", "macro F1", "", "", macroF1(), total()));
        sb.append(String.format(Locale.ROOT, "accuracy %.4f%n%nconfusion matrix (rows: true, columns: predicted)%n", accuracy()));
        sb.append(String.format(Locale.ROOT, "%-" + w + "s", ""));
        for (int c = 0; c < counts.length; c++) {
            sb.append(String.format(Locale.ROOT, "%6s", abbreviate(names.get(c))));
        }
        sb.append('\n');
        for (int t = 0; t < counts.length; t++) {
            sb.append(String.format(Locale.ROOT, "%-" + w + "s", names.get(t)));
            for (int p = 0; p < counts.length; p++) {
                sb.append(String.format(Locale.ROOT, "%6d", counts[t][p]));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    static String abbreviate(String name) {
        String s = name.replace("T-shirt/top", "Tshirt").replace("Ankle boot", "Boot");
        return s.length() <= 5 ? s : s.substring(0, 5);
    }
}
