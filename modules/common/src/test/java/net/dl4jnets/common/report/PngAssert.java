package net.dl4jnets.common.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;

/** Checks that a picture a program wrote is a real PNG of the size it should be. */
public final class PngAssert {
    private PngAssert() {}

    /** A readable PNG at least {@code minWidth} x {@code minHeight}; returns it for further checks. */
    public static BufferedImage valid(Path png, int minWidth, int minHeight) {
        assertTrue(Files.isRegularFile(png), png + " was not written");
        try {
            byte[] head = new byte[8];
            try (var in = Files.newInputStream(png)) {
                assertEquals(8, in.read(head));
            }
            assertEquals((byte) 0x89, head[0], png + " is not a PNG");
            assertEquals('P', head[1], png + " is not a PNG");
            BufferedImage img = ImageIO.read(png.toFile());
            assertNotNull(img, png + " cannot be decoded");
            assertTrue(img.getWidth() >= minWidth && img.getHeight() >= minHeight,
                    png + " is " + img.getWidth() + "x" + img.getHeight() + ", expected at least " + minWidth + "x" + minHeight);
            return img;
        } catch (IOException e) {
            throw new AssertionError(png + ": " + e, e);
        }
    }

    /** Exactly {@code width} x {@code height}. */
    public static BufferedImage exactly(Path png, int width, int height) {
        BufferedImage img = valid(png, width, height);
        assertEquals(width, img.getWidth(), png + " width");
        assertEquals(height, img.getHeight(), png + " height");
        return img;
    }
}
