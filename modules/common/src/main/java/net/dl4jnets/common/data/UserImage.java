package net.dl4jnets.common.data;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Image;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

import net.dl4jnets.common.io.UserError;

/**
 * Turns a user's photo or drawing (PNG, JPEG, GIF or BMP, any size) into a Fashion-MNIST-like image: 28x28
 * grayscale, a dark background and a light object that fills the frame. That is how the dataset was made (trim,
 * scale the longest side to 28, centre), so a network trained on it sees what it expects.
 */
public final class UserImage {
    /** A pixel counts as part of the object when it is this much brighter than the background (of 255). */
    private static final int OBJECT_THRESHOLD = 30;
    /** Fewer lit pixels than this (of 784; a garment fills hundreds once cropped and scaled) is a blank picture. */
    private static final int MIN_OBJECT_PIXELS = 12;

    private UserImage() {}

    /** The 784 pixels, row by row, 0 = background. */
    public static byte[] read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserError("Image " + file + " does not exist or is not a file.");
        }
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException e) {
            throw new UserError("Image " + file + " could not be read: " + e.getMessage());
        }
        if (img == null) {
            throw new UserError(file + " is not an image this program can read; give a PNG, JPEG, GIF or BMP file.");
        }
        return toFashion(img);
    }

    public static byte[] toFashion(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        int[][] gray = new int[h][w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                gray[y][x] = luminance(img.getRGB(x, y));
            }
        }
        // Photos are mostly of dark things on light backgrounds; the dataset is the other way round.
        if (borderMean(gray) > 127) {
            for (int[] row : gray) {
                for (int x = 0; x < w; x++) {
                    row[x] = 255 - row[x];
                }
            }
        }
        int background = (int) Math.round(borderMean(gray));
        int top = h, left = w, bottom = -1, right = -1;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                gray[y][x] = Math.max(0, gray[y][x] - background);
                if (gray[y][x] > OBJECT_THRESHOLD) {
                    top = Math.min(top, y);
                    bottom = Math.max(bottom, y);
                    left = Math.min(left, x);
                    right = Math.max(right, x);
                }
            }
        }
        if (bottom < 0) { // nothing stands out: use the whole picture
            top = 0;
            left = 0;
            bottom = h - 1;
            right = w - 1;
        }
        int bw = right - left + 1;
        int bh = bottom - top + 1;
        int side = Math.max(bw, bh);
        BufferedImage square = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = square.createGraphics();
        g.setColor(Color.BLACK);
        g.fillRect(0, 0, side, side);
        g.dispose();
        int ox = (side - bw) / 2;
        int oy = (side - bh) / 2;
        var raster = square.getRaster();
        for (int y = 0; y < bh; y++) {
            for (int x = 0; x < bw; x++) {
                raster.setSample(ox + x, oy + y, 0, gray[top + y][left + x]);
            }
        }
        // Area averaging keeps thin strokes visible when a large picture shrinks 50-fold.
        Image scaled = square.getScaledInstance(FashionMnist.COLS, FashionMnist.ROWS, Image.SCALE_AREA_AVERAGING);
        BufferedImage small = new BufferedImage(FashionMnist.COLS, FashionMnist.ROWS, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g2 = small.createGraphics();
        g2.drawImage(scaled, 0, 0, null);
        g2.dispose();
        byte[] out = new byte[FashionMnist.PIXELS];
        small.getRaster().getDataElements(0, 0, FashionMnist.COLS, FashionMnist.ROWS, out);
        return out;
    }

    /**
     * True if a picture made by {@link #toFashion} holds (almost) nothing that stands out from its background: a
     * blank or near-uniform image, which any classifier will still give a confident class.
     */
    public static boolean isBlank(byte[] pixels) {
        int lit = 0;
        for (byte b : pixels) {
            if ((b & 0xFF) > OBJECT_THRESHOLD) {
                lit++;
            }
        }
        return lit < MIN_OBJECT_PIXELS;
    }

    private static int luminance(int argb) {
        int a = (argb >>> 24) & 0xFF;
        int r = (argb >> 16) & 0xFF;
        int g = (argb >> 8) & 0xFF;
        int b = argb & 0xFF;
        int lum = (int) Math.round(0.299 * r + 0.587 * g + 0.114 * b);
        // Transparent pixels are background: composite over white (inverted to black below if the border is light).
        return (lum * a + 255 * (255 - a)) / 255;
    }

    private static double borderMean(int[][] gray) {
        int h = gray.length;
        int w = gray[0].length;
        long sum = 0;
        long n = 0;
        for (int x = 0; x < w; x++) {
            sum += gray[0][x] + gray[h - 1][x];
            n += 2;
        }
        for (int y = 0; y < h; y++) {
            sum += gray[y][0] + gray[y][w - 1];
            n += 2;
        }
        return (double) sum / n;
    }
}
