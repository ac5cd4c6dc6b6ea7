package io.vggstream.trainer.data;

import java.awt.image.BufferedImage;

/**
 * A decoded image, 8-bit, rows top to bottom, pixels interleaved. A grey image ({@code channels ==
 * 1}) reads as RGB with the grey value replicated in R, G and B.
 *
 * @param width pixels per row
 * @param height rows
 * @param channels 1 (grey) or 3 (RGB)
 * @param pixels {@code height * width * channels} bytes
 */
public record RgbImage(int width, int height, int channels, byte[] pixels) {

    public RgbImage {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("image must be at least 1x1, was " + width + "x" + height);
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, was " + channels);
        }
        if (pixels.length != width * height * channels) {
            throw new IllegalArgumentException("expected " + width * height * channels + " bytes, got " + pixels.length);
        }
    }

    /** Channel {@code c} (0 = R, 1 = G, 2 = B) at column x, row y, in 0-255. */
    public int get(int x, int y, int c) {
        return pixels[(y * width + x) * channels + (channels == 1 ? 0 : c)] & 0xff;
    }

    /** This image as an RGB {@link BufferedImage} (grey replicated), e.g. to write a PNG with ImageIO. */
    public BufferedImage toBufferedImage() {
        BufferedImage b = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                b.setRGB(x, y, get(x, y, 0) << 16 | get(x, y, 1) << 8 | get(x, y, 2));
            }
        }
        return b;
    }

    /** The smaller side. */
    public int minSide() {
        return Math.min(width, height);
    }
}
