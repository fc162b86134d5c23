package net.dl4jnets.common.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.BiFunction;
import javax.imageio.ImageIO;

/**
 * A classifier's decision over the plane: a heatmap of P(class 1) (blue for 0, orange for 1, white at 0.5) with the
 * points on top, filled for training points and hollow for test points, as in TensorFlow Playground.
 */
public final class BoundaryChart {
    static {
        System.setProperty("java.awt.headless", "true");
        ImageIO.setUseCache(false);
    }

    private static final Color BLUE = new Color(0x1F77B4);
    private static final Color ORANGE = new Color(0xFF7F0E);

    private BoundaryChart() {}

    /** A point to draw: its coordinates, class (0 or 1), and whether it is a test point. */
    public record Point(double x, double y, int label, boolean test) {}

    /** One colour per class: blue and orange for two, as the playground has them, then green, red, purple. */
    private static final Color[] CLASS_COLOURS = {BLUE, ORANGE, new Color(0x2CA02C), new Color(0xD62728), new Color(0x9467BD)};

    /**
     * @param probability P(class 1) at a point of the plane, for (x, y) in [min, max]²
     */
    public static void draw(Path png, String title, double min, double max,
                            BiFunction<double[], double[], double[]> probability, Iterable<Point> points) {
        Charts.writeImage(png, draw(title, min, max, probability, points));
    }

    /** The same picture as an image, for a notebook to show. */
    public static BufferedImage draw(String title, double min, double max,
                                     BiFunction<double[], double[], double[]> probability, Iterable<Point> points) {
        return drawClasses(title, min, max, 2, (xs, ys) -> {
            double[] p = probability.apply(xs, ys);
            double[][] both = new double[p.length][];
            for (int i = 0; i < p.length; i++) {
                both[i] = new double[] {1 - p[i], p[i]};
            }
            return both;
        }, points);
    }

    /**
     * As {@link #draw} for up to five classes: each cell takes the colour of its most probable class, stronger the
     * surer the network is.
     *
     * @param probabilities the class probabilities [n][classes] at points of the plane
     */
    public static void drawClasses(Path png, String title, double min, double max, int classes,
                                   BiFunction<double[], double[], double[][]> probabilities, Iterable<Point> points) {
        Charts.writeImage(png, drawClasses(title, min, max, classes, probabilities, points));
    }

    public static BufferedImage drawClasses(String title, double min, double max, int classes,
                                            BiFunction<double[], double[], double[][]> probabilities,
                                            Iterable<Point> points) {
        if (classes < 2 || classes > CLASS_COLOURS.length) {
            throw new IllegalArgumentException("2 to " + CLASS_COLOURS.length + " classes, not " + classes);
        }
        int plot = 480;
        int left = 60;
        int top = 50;
        int w = left + plot + 30;
        int h = top + plot + 60;
        int cells = 120;
        double[] xs = new double[cells * cells];
        double[] ys = new double[cells * cells];
        for (int r = 0; r < cells; r++) {
            for (int c = 0; c < cells; c++) {
                xs[r * cells + c] = min + (c + 0.5) * (max - min) / cells;
                ys[r * cells + c] = max - (r + 0.5) * (max - min) / cells;
            }
        }
        double[][] p = probabilities.apply(xs, ys);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        double cell = (double) plot / cells;
        for (int i = 0; i < p.length; i++) {
            int r = i / cells;
            int c = i % cells;
            g.setColor(shade(p[i]));
            g.fillRect(left + (int) Math.floor(c * cell), top + (int) Math.floor(r * cell),
                    (int) Math.ceil(cell) + 1, (int) Math.ceil(cell) + 1);
        }
        g.setStroke(new BasicStroke(1.5f));
        for (Point pt : points) {
            int px = left + (int) Math.round((pt.x() - min) / (max - min) * plot);
            int py = top + (int) Math.round((max - pt.y()) / (max - min) * plot);
            if (px < left || px > left + plot || py < top || py > top + plot) {
                continue;
            }
            Color c = CLASS_COLOURS[Math.max(0, Math.min(classes - 1, pt.label()))];
            g.setColor(pt.test() ? Color.WHITE : c);
            g.fillOval(px - 5, py - 5, 10, 10);
            g.setColor(pt.test() ? c : Color.DARK_GRAY);
            g.drawOval(px - 5, py - 5, 10, 10);
        }
        g.setColor(Color.DARK_GRAY);
        g.drawRect(left, top, plot, plot);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int k = 0; k <= 4; k++) {
            double v = min + k * (max - min) / 4;
            String s = String.format(Locale.ROOT, "%.1f", v);
            int x = left + k * plot / 4;
            int y = top + plot - k * plot / 4;
            g.drawString(s, x - g.getFontMetrics().stringWidth(s) / 2, top + plot + 16);
            g.drawString(s, left - 6 - g.getFontMetrics().stringWidth(s), y + 4);
        }
        g.drawString("x", left + plot / 2, top + plot + 32);
        g.drawString("y", 14, top + plot / 2);
        String legend = classes == 2 ? "shading: P(orange), blue 0 – white 0.5 – orange 1;  filled points: train, hollow: test"
                : "shading: the most probable class, paler where the network is unsure;  filled points: train, hollow: test";
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawString(legend, (w - g.getFontMetrics().stringWidth(legend)) / 2, h - 10);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, Math.max(8, (w - g.getFontMetrics().stringWidth(title)) / 2), 30);
        g.dispose();
        return img;
    }

    /** The most probable class's colour, pale where its probability is near chance (1/classes). */
    static Color shade(double[] p) {
        int best = 0;
        for (int k = 1; k < p.length; k++) {
            if (p[k] > p[best]) {
                best = k;
            }
        }
        double chance = 1.0 / p.length;
        double sure = Math.max(0, Math.min(1, (p[best] - chance) / (1 - chance)));
        Color target = CLASS_COLOURS[best];
        double s = sure * 0.6; // at most 60% of the full colour, so the points stay visible
        return new Color(mix(255, target.getRed(), s), mix(255, target.getGreen(), s), mix(255, target.getBlue(), s));
    }

    private static int mix(int a, int b, double s) {
        return (int) Math.round(a + (b - a) * s);
    }
}
