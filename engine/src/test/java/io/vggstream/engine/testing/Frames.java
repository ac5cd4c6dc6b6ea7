package io.vggstream.engine.testing;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;
import javax.imageio.ImageIO;

/** Real encoded test images (JDK ImageIO), reproducible from a seed. */
public final class Frames {

    private Frames() {
    }

    /** A smooth random image: a few coloured blobs on a gradient, so that scales and flips differ. */
    public static BufferedImage image(int w, int h, long seed) {
        Random r = new Random(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        double[][] blobs = new double[4][6];
        for (double[] b : blobs) {
            b[0] = r.nextDouble() * w;
            b[1] = r.nextDouble() * h;
            b[2] = 3 + r.nextDouble() * w / 3;
            b[3] = r.nextInt(256);
            b[4] = r.nextInt(256);
            b[5] = r.nextInt(256);
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double cr = 255.0 * x / w;
                double cg = 255.0 * y / h;
                double cb = 128;
                for (double[] b : blobs) {
                    double d = Math.exp(-((x - b[0]) * (x - b[0]) + (y - b[1]) * (y - b[1])) / (2 * b[2] * b[2]));
                    cr = cr * (1 - d) + b[3] * d;
                    cg = cg * (1 - d) + b[4] * d;
                    cb = cb * (1 - d) + b[5] * d;
                }
                img.setRGB(x, y, ((int) cr << 16) | ((int) cg << 8) | (int) cb);
            }
        }
        return img;
    }

    public static byte[] png(int w, int h, long seed) {
        return encode(image(w, h, seed), "png");
    }

    public static byte[] jpeg(int w, int h, long seed) {
        return encode(image(w, h, seed), "jpg");
    }

    public static byte[] encode(BufferedImage img, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, format, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** RGB CHW floats minus the mean, straight from the pixels: an independent reference. */
    public static float[] chw(BufferedImage img, double[] mean) {
        int w = img.getWidth();
        int h = img.getHeight();
        float[] out = new float[3 * w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = img.getRGB(x, y);
                out[y * w + x] = (float) (((rgb >> 16) & 0xff) - mean[0]);
                out[w * h + y * w + x] = (float) (((rgb >> 8) & 0xff) - mean[1]);
                out[2 * w * h + y * w + x] = (float) ((rgb & 0xff) - mean[2]);
            }
        }
        return out;
    }
}
