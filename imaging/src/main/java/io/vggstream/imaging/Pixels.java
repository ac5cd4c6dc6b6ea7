package io.vggstream.imaging;

/**
 * A decoded or rescaled 8-bit image held in Java memory: rows top to bottom, pixels interleaved.
 *
 * @param width pixels per row
 * @param height rows
 * @param layout the channels and their order
 * @param data {@code height * width * layout.channels()} bytes
 */
public record Pixels(int width, int height, Layout layout, byte[] data) {

    /** Channels and their order: OpenCV decodes to BGR; the trainer keeps RGB, or one grey channel. */
    public enum Layout {
        GREY(1, 0, 0, 0),
        RGB(3, 0, 1, 2),
        BGR(3, 2, 1, 0);

        private final int channels;
        private final int r;
        private final int g;
        private final int b;

        Layout(int channels, int r, int g, int b) {
            this.channels = channels;
            this.r = r;
            this.g = g;
            this.b = b;
        }

        public int channels() {
            return channels;
        }

        /** Where red, green and blue are within a pixel (all 0 for grey). */
        int[] rgbOffsets() {
            return new int[] {r, g, b};
        }
    }

    public Pixels {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("image must be at least 1x1, was " + width + "x" + height);
        }
        if (data.length != (long) width * height * layout.channels()) {
            throw new IllegalArgumentException("expected " + (long) width * height * layout.channels() + " bytes for a " + width + "x"
                + height + " " + layout + " image, got " + data.length);
        }
    }
}
