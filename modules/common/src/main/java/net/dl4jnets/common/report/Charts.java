package net.dl4jnets.common.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import net.dl4jnets.common.io.AtomicFiles;

/**
 * The one plotting helper: line charts (XChart) and the two pictures XChart does not draw well, a confusion matrix
 * with counts in its cells and a labelled grid of images (Java2D). Every PNG has a title, axis names and a legend,
 * and is written atomically. Each has a twin without the path that returns the image, which a notebook shows inline.
 */
public final class Charts {
    static {
        System.setProperty("java.awt.headless", "true");
        // No temporary cache files: ImageIO would register a shutdown hook for them, which fails (and loses the
        // chart) when a Ctrl-C has already started the JVM's shutdown and the trainer is drawing its last epoch.
        ImageIO.setUseCache(false);
    }

    private Charts() {}

    /** One named curve: x and y values of equal length. */
    public record Series(String name, double[] x, double[] y) {}

    /** A line chart of the given series; logY draws the y axis on a log scale. */
    public static void lines(Path png, String title, String xTitle, String yTitle, List<Series> series, boolean logY) {
        writeImage(png, lines(title, xTitle, yTitle, series, logY));
    }

    /** The same chart as an image, for a notebook to show (a cell whose value is an image draws it). */
    public static BufferedImage lines(String title, String xTitle, String yTitle, List<Series> series, boolean logY) {
        return BitmapEncoder.getBufferedImage(lineChart(title, xTitle, yTitle, series, logY, 900, 560));
    }

    public static XYChart lineChart(String title, String xTitle, String yTitle, List<Series> series, boolean logY,
                                    int width, int height) {
        XYChart chart = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        Styler st = chart.getStyler();
        st.setChartBackgroundColor(Color.WHITE);
        // Keep the legend out of the curves' way: rising curves end top-right, so put it bottom-right for them.
        st.setLegendPosition(rising(series) ? Styler.LegendPosition.InsideSE : Styler.LegendPosition.InsideNE);
        st.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        chart.getStyler().setYAxisLogarithmic(logY);
        chart.getStyler().setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        chart.getStyler().setMarkerSize(6);
        chart.getStyler().setXAxisTickMarkSpacingHint(90); // at most ~10 labelled ticks: 1,000 steps stay legible
        for (Series s : series) {
            var xy = chart.addSeries(s.name(), s.x(), s.y());
            if (s.x().length > 40) {
                xy.setMarker(SeriesMarkers.NONE);
            }
        }
        return chart;
    }

    static boolean rising(List<Series> series) {
        double first = 0;
        double last = 0;
        for (Series s : series) {
            if (s.y().length > 1 && Double.isFinite(s.y()[0]) && Double.isFinite(s.y()[s.y().length - 1])) {
                first += s.y()[0];
                last += s.y()[s.y().length - 1];
            }
        }
        return last > first;
    }

    /**
     * One labelled point per series (a legend entry each), for comparisons such as parameters against accuracy;
     * logX suits quantities that span orders of magnitude.
     */
    public static void scatter(Path png, String title, String xTitle, String yTitle, List<Series> points, boolean logX) {
        writeImage(png, scatter(title, xTitle, yTitle, points, logX));
    }

    public static BufferedImage scatter(String title, String xTitle, String yTitle, List<Series> points, boolean logX) {
        XYChart chart = new XYChartBuilder().width(900).height(560).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        Styler st = chart.getStyler();
        st.setChartBackgroundColor(Color.WHITE);
        st.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        chart.getStyler().setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(14);
        chart.getStyler().setXAxisLogarithmic(logX);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        if (logX) { // whole decades at both ends, so that at least two are labelled
            double min = points.stream().mapToDouble(p -> p.x()[0]).filter(v -> v > 0).min().orElse(1);
            double max = points.stream().mapToDouble(p -> p.x()[0]).max().orElse(10);
            chart.getStyler().setXAxisMin(Math.pow(10, Math.floor(Math.log10(min))));
            chart.getStyler().setXAxisMax(Math.pow(10, Math.ceil(Math.log10(Math.max(max, min * 10)))));
            chart.getStyler().setXAxisDecimalPattern("#,###");
        }
        for (Series s : points) {
            chart.addSeries(s.name(), s.x(), s.y());
        }
        return BitmapEncoder.getBufferedImage(chart);
    }

    /** Several charts side by side in one PNG. */
    public static void panels(Path png, List<XYChart> charts) {
        panels(png, charts, charts.size());
    }

    /** Several charts in a grid of the given number of columns, in one PNG. */
    public static void panels(Path png, List<XYChart> charts, int columns) {
        writeImage(png, panels(charts, columns));
    }

    public static BufferedImage panels(List<XYChart> charts, int columns) {
        int cw = charts.stream().mapToInt(XYChart::getWidth).max().orElse(1);
        int ch = charts.stream().mapToInt(XYChart::getHeight).max().orElse(1);
        int rows = (charts.size() + columns - 1) / columns;
        BufferedImage img = new BufferedImage(cw * Math.min(columns, charts.size()), ch * rows, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img);
        for (int i = 0; i < charts.size(); i++) {
            Graphics2D sub = (Graphics2D) g.create((i % columns) * cw, (i / columns) * ch, cw, ch);
            charts.get(i).paint(sub, charts.get(i).getWidth(), charts.get(i).getHeight());
            sub.dispose();
        }
        g.dispose();
        return img;
    }

    /** Images side by side on white, top-aligned: two pictures to compare at a glance. */
    public static BufferedImage side(List<BufferedImage> images) {
        int gap = 16;
        int w = images.stream().mapToInt(BufferedImage::getWidth).sum() + gap * Math.max(0, images.size() - 1);
        int h = images.stream().mapToInt(BufferedImage::getHeight).max().orElse(1);
        BufferedImage img = new BufferedImage(Math.max(1, w), h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img);
        int x = 0;
        for (BufferedImage i : images) {
            g.drawImage(i, x, 0, null);
            x += i.getWidth() + gap;
        }
        g.dispose();
        return img;
    }

    /** A confusion matrix as a heat map: rows true class, columns predicted class, the count in each cell. */
    public static void confusion(Path png, String title, long[][] counts, List<String> names) {
        writeImage(png, confusion(title, counts, names));
    }

    public static BufferedImage confusion(String title, long[][] counts, List<String> names) {
        int n = counts.length;
        int cell = 58;
        int left = 130;
        int top = 80;
        int bottom = 120;
        int w = left + n * cell + 30;
        int h = top + n * cell + bottom;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        centered(g, title, w / 2, 32);
        long rowMax = 1;
        for (long[] row : counts) {
            for (long v : row) {
                rowMax = Math.max(rowMax, v);
            }
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        for (int t = 0; t < n; t++) {
            long rowTotal = 0;
            for (long v : counts[t]) {
                rowTotal += v;
            }
            for (int p = 0; p < n; p++) {
                double share = rowTotal == 0 ? 0 : (double) counts[t][p] / rowTotal;
                float shade = (float) Math.sqrt(share);
                Color c = t == p ? new Color(1 - 0.8f * shade, 1 - 0.45f * shade, 1 - 0.8f * shade)
                        : new Color(1 - 0.1f * shade, 1 - 0.75f * shade, 1 - 0.75f * shade);
                g.setColor(c);
                g.fillRect(left + p * cell, top + t * cell, cell, cell);
                g.setColor(Color.LIGHT_GRAY);
                g.drawRect(left + p * cell, top + t * cell, cell, cell);
                g.setColor(share > 0.5 ? Color.WHITE : Color.BLACK);
                centered(g, Long.toString(counts[t][p]), left + p * cell + cell / 2, top + t * cell + cell / 2 + 5);
            }
            g.setColor(Color.BLACK);
            FontMetrics fm = g.getFontMetrics();
            g.drawString(names.get(t), left - 8 - fm.stringWidth(names.get(t)), top + t * cell + cell / 2 + 5);
        }
        for (int p = 0; p < n; p++) {
            Graphics2D r = (Graphics2D) g.create();
            r.translate(left + p * cell + cell / 2 + 5, top + n * cell + 8);
            r.rotate(Math.toRadians(45));
            r.drawString(names.get(p), 0, 0);
            r.dispose();
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        centered(g, "predicted class", left + n * cell / 2, h - 12);
        Graphics2D r = (Graphics2D) g.create();
        r.translate(18, top + n * cell / 2);
        r.rotate(-Math.PI / 2);
        centered(r, "true class", 0, 0);
        r.dispose();
        g.dispose();
        return img;
    }

    /**
     * One captioned image of a grid. Pixels are grey levels in [0,1], row-major, {@code rows x cols}; {@code heat},
     * if not null, is laid over them in red (0 = none, 1 = full), for where a model looks.
     */
    public record Tile(float[] pixels, int rows, int cols, String caption, boolean bad, float[] heat) {
        public Tile(float[] pixels, int rows, int cols, String caption, boolean bad) {
            this(pixels, rows, cols, caption, bad, null);
        }
    }

    /** A grid of small grey images, each scaled up and captioned. */
    public static void grid(Path png, String title, List<Tile> tiles, int columns, int scale) {
        if (!tiles.isEmpty()) {
            writeImage(png, grid(title, tiles, columns, scale));
        }
    }

    public static BufferedImage grid(String title, List<Tile> tiles, int columns, int scale) {
        if (tiles.isEmpty()) {
            throw new IllegalArgumentException("a grid needs at least one tile");
        }
        int tw = tiles.get(0).cols() * scale;
        int th = tiles.get(0).rows() * scale;
        int capH = 34;
        int pad = 12;
        int cellW = Math.max(tw, 150) + pad;
        int rowsOfTiles = (tiles.size() + columns - 1) / columns;
        int tilesW = columns * cellW + pad;
        Font titleFont = new Font(Font.SANS_SERIF, Font.BOLD, 18);
        // a grid of few columns is widened to its title rather than cutting the title off
        int w = Math.max(tilesW, textWidth(titleFont, title) + 2 * pad);
        int left = (w - tilesW) / 2;
        int h = 60 + rowsOfTiles * (th + capH + pad);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img);
        g.setFont(titleFont);
        centered(g, title, w / 2, 32);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int i = 0; i < tiles.size(); i++) {
            Tile t = tiles.get(i);
            int x0 = left + pad + (i % columns) * cellW + (cellW - pad - tw) / 2;
            int y0 = 50 + (i / columns) * (th + capH + pad);
            for (int r = 0; r < t.rows(); r++) {
                for (int c = 0; c < t.cols(); c++) {
                    float v = Math.max(0f, Math.min(1f, t.pixels()[r * t.cols() + c]));
                    if (t.heat() == null) {
                        g.setColor(new Color(v, v, v));
                    } else {
                        float a = 0.75f * Math.max(0f, Math.min(1f, t.heat()[r * t.cols() + c]));
                        float grey = 0.25f + 0.5f * v; // a dimmed image under the overlay
                        g.setColor(new Color(grey * (1 - a) + a, grey * (1 - a) + 0.15f * a, grey * (1 - a)));
                    }
                    g.fillRect(x0 + c * scale, y0 + r * scale, scale, scale);
                }
            }
            g.setColor(t.bad() ? new Color(0xB00020) : Color.BLACK);
            String[] lines = t.caption().split("\n");
            for (int k = 0; k < lines.length; k++) {
                centered(g, lines[k], x0 + tw / 2, y0 + th + 14 + 14 * k);
            }
        }
        g.dispose();
        return img;
    }

    private static Graphics2D canvas(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1f));
        return g;
    }

    private static int textWidth(Font font, String s) {
        Graphics2D g = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        int width = g.getFontMetrics(font).stringWidth(s);
        g.dispose();
        return width;
    }

    private static void centered(Graphics2D g, String s, int cx, int baseline) {
        g.drawString(s, cx - g.getFontMetrics().stringWidth(s) / 2, baseline);
    }

    public static void writeImage(Path png, BufferedImage img) {
        AtomicFiles.write(png, tmp -> {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                ImageIO.write(img, "png", out);
            }
        });
    }
}
