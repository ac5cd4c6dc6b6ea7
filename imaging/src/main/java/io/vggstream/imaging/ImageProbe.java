package io.vggstream.imaging;

import java.util.Optional;

/**
 * Reads an image's declared width and height from its header, without decoding pixels, so that a
 * decompression bomb (a small file declaring a huge image) or an extreme aspect ratio is refused
 * before any memory is spent on it. Every accepted {@link ImageFormat} is read by hand: JPEG's
 * SOF marker (every SOFn, baseline to lossless and arithmetic), PNG's IHDR, BMP's info header
 * (OS/2 core and Windows, bottom-up and top-down) and WebP's three layouts (VP8, VP8L, VP8X).
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

    /** The declared size, or empty when the bytes are not an accepted format or its header cannot be read. */
    public static Optional<Size> size(byte[] data) {
        Optional<ImageFormat> format = ImageFormat.detect(data);
        if (format.isEmpty()) {
            return Optional.empty();
        }
        Optional<Size> s = switch (format.get()) {
            case JPEG -> jpeg(data);
            case PNG -> png(data);
            case BMP -> bmp(data);
            case WEBP -> webp(data);
        };
        // A side of 0 (JPEG's "height in a DNL marker") cannot be bounded before decoding.
        return s.filter(z -> z.width() > 0 && z.height() > 0);
    }

    static Optional<Size> jpeg(byte[] d) {
        int i = 2;
        while (i + 3 < d.length) {
            if ((d[i] & 0xff) != 0xff) {
                // Stray bytes between segments: libjpeg skips them too.
                i++;
                continue;
            }
            int m = d[i + 1] & 0xff;
            if (m == 0xff) {
                i++; // fill byte
                continue;
            }
            if (m == 0x01 || m == 0xd8 || (m >= 0xd0 && m <= 0xd7)) {
                i += 2; // markers without a length
                continue;
            }
            if (m == 0xd9 || m == 0xda) {
                return Optional.empty(); // end of image, or scan data, before any frame header
            }
            if (m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc) {
                if (i + 8 >= d.length) {
                    return Optional.empty();
                }
                return Optional.of(new Size(be16(d, i + 7), be16(d, i + 5)));
            }
            int length = be16(d, i + 2);
            if (length < 2) {
                return Optional.empty();
            }
            i += 2 + length;
        }
        return Optional.empty();
    }

    static Optional<Size> png(byte[] d) {
        if (d.length < 24 || d[12] != 'I' || d[13] != 'H' || d[14] != 'D' || d[15] != 'R') {
            return Optional.empty();
        }
        int w = be32(d, 16);
        int h = be32(d, 20);
        // PNG allows at most 2^31 - 1 a side: a negative int is a broken header.
        return w < 0 || h < 0 ? Optional.empty() : Optional.of(new Size(w, h));
    }

    static Optional<Size> bmp(byte[] d) {
        if (d.length < 26) {
            return Optional.empty();
        }
        int header = le32(d, 14);
        if (header == 12) {
            // OS/2 BITMAPCOREHEADER: unsigned 16-bit sides.
            return Optional.of(new Size(le16(d, 18), le16(d, 20)));
        }
        if (header < 16) {
            return Optional.empty();
        }
        int w = le32(d, 18);
        int h = le32(d, 22);
        // A negative height is a top-down bitmap.
        if (w <= 0 || h == Integer.MIN_VALUE) {
            return Optional.empty();
        }
        return Optional.of(new Size(w, Math.abs(h)));
    }

    static Optional<Size> webp(byte[] d) {
        if (d.length < 30 || !ascii(d, 0, "RIFF") || !ascii(d, 8, "WEBP")) {
            return Optional.empty();
        }
        if (ascii(d, 12, "VP8 ")) {
            // Lossy: after the 3-byte frame tag the start code 9d 01 2a, then 14-bit width and height.
            if ((d[23] & 0xff) != 0x9d || (d[24] & 0xff) != 0x01 || (d[25] & 0xff) != 0x2a) {
                return Optional.empty();
            }
            return Optional.of(new Size(le16(d, 26) & 0x3fff, le16(d, 28) & 0x3fff));
        }
        if (ascii(d, 12, "VP8L") && (d[20] & 0xff) == 0x2f) {
            int b = le32(d, 21);
            return Optional.of(new Size((b & 0x3fff) + 1, ((b >>> 14) & 0x3fff) + 1));
        }
        if (ascii(d, 12, "VP8X")) {
            // The canvas, which bounds every frame of an animation too.
            return Optional.of(new Size(le24(d, 24) + 1, le24(d, 27) + 1));
        }
        return Optional.empty();
    }

    private static boolean ascii(byte[] d, int at, String s) {
        for (int i = 0; i < s.length(); i++) {
            if (d[at + i] != (byte) s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int be16(byte[] d, int at) {
        return (d[at] & 0xff) << 8 | (d[at + 1] & 0xff);
    }

    private static int be32(byte[] d, int at) {
        return (d[at] & 0xff) << 24 | (d[at + 1] & 0xff) << 16 | (d[at + 2] & 0xff) << 8 | (d[at + 3] & 0xff);
    }

    private static int le16(byte[] d, int at) {
        return (d[at] & 0xff) | (d[at + 1] & 0xff) << 8;
    }

    private static int le24(byte[] d, int at) {
        return (d[at] & 0xff) | (d[at + 1] & 0xff) << 8 | (d[at + 2] & 0xff) << 16;
    }

    private static int le32(byte[] d, int at) {
        return (d[at] & 0xff) | (d[at + 1] & 0xff) << 8 | (d[at + 2] & 0xff) << 16 | (d[at + 3] & 0xff) << 24;
    }
}
