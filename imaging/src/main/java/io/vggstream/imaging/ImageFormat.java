package io.vggstream.imaging;

import java.util.Optional;

/**
 * The image formats vggstream accepts, told by their magic bytes before any decoder sees them: JPEG,
 * PNG, BMP and WebP, the ones the docs promise and {@link ImageProbe} reads the declared size of.
 * Everything else OpenCV could decode (PNM, Radiance HDR, JPEG 2000, TIFF, GIF, OpenEXR, Sun
 * raster, ...) is refused: its size could not be checked before decoding.
 */
public enum ImageFormat {
    JPEG("JPEG"),
    PNG("PNG"),
    BMP("BMP"),
    WEBP("WebP");

    /** The accepted formats, for messages. */
    public static final String ALLOWED = "JPEG, PNG, BMP or WebP";

    private final String label;

    ImageFormat(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The format {@code d} starts like, or empty when it is none of the accepted ones. */
    public static Optional<ImageFormat> detect(byte[] d) {
        if (d == null) {
            return Optional.empty();
        }
        if (starts(d, 0xff, 0xd8, 0xff)) {
            return Optional.of(JPEG);
        }
        if (starts(d, 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a)) {
            return Optional.of(PNG);
        }
        if (starts(d, 'B', 'M')) {
            return Optional.of(BMP);
        }
        if (starts(d, 'R', 'I', 'F', 'F') && d.length >= 12 && d[8] == 'W' && d[9] == 'E' && d[10] == 'B' && d[11] == 'P') {
            return Optional.of(WEBP);
        }
        return Optional.empty();
    }

    /** A name for what {@code d} looks like when it is not accepted ("PNM", "TIFF", ...), for messages; "unknown" if nothing. */
    public static String guess(byte[] d) {
        if (d == null || d.length < 2) {
            return "unknown";
        }
        if (d[0] == 'P' && d[1] >= '1' && d[1] <= '7') {
            return "PNM";
        }
        if (d[0] == 'P' && (d[1] == 'F' || d[1] == 'f')) {
            return "PFM";
        }
        if (starts(d, '#', '?')) {
            return "Radiance HDR";
        }
        if (starts(d, 'I', 'I', 0x2a, 0) || starts(d, 'M', 'M', 0, 0x2a)) {
            return "TIFF";
        }
        if (starts(d, 'G', 'I', 'F', '8')) {
            return "GIF";
        }
        if (starts(d, 0, 0, 0, 0x0c, 'j', 'P', ' ', ' ') || starts(d, 0xff, 0x4f, 0xff, 0x51)) {
            return "JPEG 2000";
        }
        if (starts(d, 0x76, 0x2f, 0x31, 0x01)) {
            return "OpenEXR";
        }
        if (starts(d, 0x59, 0xa6, 0x6a, 0x95)) {
            return "Sun raster";
        }
        if (d.length >= 12 && d[4] == 'f' && d[5] == 't' && d[6] == 'y' && d[7] == 'p') {
            return "ISO media (AVIF/HEIF)";
        }
        return "unknown";
    }

    private static boolean starts(byte[] d, int... magic) {
        if (d.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((d[i] & 0xff) != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
