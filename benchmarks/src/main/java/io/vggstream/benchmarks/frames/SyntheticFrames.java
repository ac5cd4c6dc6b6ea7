package io.vggstream.benchmarks.frames;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Camera-like JPEG frames made on the spot (JDK ImageIO), reproducible from a seed: a gradient with
 * a few soft coloured blobs and some sensor noise, so that a frame compresses like a real one
 * (tens of KB at 640x480 rather than the few KB of a flat image) and decoding costs what it would.
 */
public final class SyntheticFrames {

    /** JPEG quality of the frames: a typical camera/IP-stream setting. */
    public static final float QUALITY = 0.85f;

    private SyntheticFrames() {
    }

    /** A frame size, parsed from {@code WIDTHxHEIGHT}. */
    public record Resolution(int width, int height) {
        public Resolution {
            if (width < 1 || height < 1) {
                throw new IllegalArgumentException("a resolution needs a positive width and height, got " + width + "x" + height);
            }
        }

        public static Resolution parse(String text) {
            String[] p = text.strip().toLowerCase(Locale.ROOT).split("x");
            try {
                if (p.length == 2) {
                    return new Resolution(Integer.parseInt(p[0].strip()), Integer.parseInt(p[1].strip()));
                }
            } catch (NumberFormatException e) {
                // fall through to the message below
            }
            throw new IllegalArgumentException("a resolution is WIDTHxHEIGHT, e.g. 640x480; got '" + text + "'");
        }

        public long pixels() {
            return (long) width * height;
        }

        @Override
        public String toString() {
            return width + "x" + height;
        }
    }

    /** {@code count} different frames of {@code size}. */
    public static List<byte[]> jpegs(Resolution size, int count, long seed) {
        List<byte[]> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(jpeg(size.width(), size.height(), seed + i));
        }
        return out;
    }

    public static byte[] jpeg(int w, int h, long seed) {
        return encode(image(w, h, seed));
    }

    static BufferedImage image(int w, int h, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] blobs = new double[5][6];
        for (double[] b : blobs) {
            b[0] = r.nextDouble() * w;
            b[1] = r.nextDouble() * h;
            b[2] = 1.0 / (2 * Math.pow(4 + r.nextDouble() * Math.min(w, h) / 4.0, 2));
            b[3] = r.nextInt(256);
            b[4] = r.nextInt(256);
            b[5] = r.nextInt(256);
        }
        int[] row = new int[w];
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double cr = 255.0 * x / w;
                double cg = 255.0 * y / h;
                double cb = 128;
                for (double[] b : blobs) {
                    double d2 = (x - b[0]) * (x - b[0]) + (y - b[1]) * (y - b[1]);
                    double d = Math.exp(-d2 * b[2]);
                    cr += (b[3] - cr) * d;
                    cg += (b[4] - cg) * d;
                    cb += (b[5] - cb) * d;
                }
                int noise = r.nextInt(25) - 12;
                row[x] = (clamp(cr + noise) << 16) | (clamp(cg + noise) << 8) | clamp(cb + noise);
            }
            img.setRGB(0, y, w, 1, row, 0, w);
        }
        return img;
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, v));
    }

    static byte[] encode(BufferedImage img) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(QUALITY);
            writer.write(null, new IIOImage(img, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a JPEG frame", e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
