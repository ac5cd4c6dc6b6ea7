package io.vggstream.engine.preprocess;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Optional;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Reads an image's declared width and height from its header, without decoding pixels, so that
 * a decompression bomb (a small file declaring a huge image) is refused before any memory is
 * spent on it. JPEG, PNG, BMP and GIF through the JDK's ImageIO readers (header only); WebP's
 * three layouts by hand, since the JDK has no WebP reader; GIF's logical screen by hand too.
 */
public final class ImageProbe {

    private ImageProbe() {
    }

    /** An image's declared size. */
    public record Size(int width, int height) {
        public long pixels() {
            return (long) width * height;
        }
    }

    /** The declared size, or empty when the format is not one we can read headers of. */
    public static Optional<Size> size(byte[] data) {
        Optional<Size> webp = webp(data);
        if (webp.isPresent()) {
            return webp;
        }
        Optional<Size> gif = gif(data);
        if (gif.isPresent()) {
            return gif;
        }
        // In memory: ImageIO.createImageInputStream would, by default, cache the stream in a temporary file.
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(data))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return Optional.empty();
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                // The TIFF reader answers -1 for some broken headers (found by fuzzing): that is no size at all.
                return width < 0 || height < 0 ? Optional.empty() : Optional.of(new Size(width, height));
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            // A header we cannot read: the decoder will say what is wrong with it.
            return Optional.empty();
        }
    }

    static Optional<Size> webp(byte[] d) {
        if (d.length < 30 || !ascii(d, 0, "RIFF") || !ascii(d, 8, "WEBP")) {
            return Optional.empty();
        }
        if (ascii(d, 12, "VP8 ")) {
            // Lossy: after the 3-byte frame tag and the start code 9d 01 2a, 14-bit width and height.
            return Optional.of(new Size(u16(d, 26) & 0x3fff, u16(d, 28) & 0x3fff));
        }
        if (ascii(d, 12, "VP8L") && (d[20] & 0xff) == 0x2f) {
            int b = (d[21] & 0xff) | (d[22] & 0xff) << 8 | (d[23] & 0xff) << 16 | (d[24] & 0xff) << 24;
            return Optional.of(new Size((b & 0x3fff) + 1, ((b >>> 14) & 0x3fff) + 1));
        }
        if (ascii(d, 12, "VP8X")) {
            return Optional.of(new Size(u24(d, 24) + 1, u24(d, 27) + 1));
        }
        return Optional.empty();
    }

    /**
     * A GIF's logical screen, the canvas a decoder allocates: ImageIO reports the first image's size
     * instead, or nothing when that image is broken, and OpenCV then decoded a 20496x18254 screen
     * from a 1 KB file for over 10 s (found by fuzzing).
     */
    static Optional<Size> gif(byte[] d) {
        if (d.length < 10 || !(ascii(d, 0, "GIF87a") || ascii(d, 0, "GIF89a"))) {
            return Optional.empty();
        }
        return Optional.of(new Size(u16(d, 6), u16(d, 8)));
    }

    private static boolean ascii(byte[] d, int at, String s) {
        for (int i = 0; i < s.length(); i++) {
            if (d[at + i] != (byte) s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int u16(byte[] d, int at) {
        return (d[at] & 0xff) | (d[at + 1] & 0xff) << 8;
    }

    private static int u24(byte[] d, int at) {
        return (d[at] & 0xff) | (d[at + 1] & 0xff) << 8 | (d[at + 2] & 0xff) << 16;
    }
}
