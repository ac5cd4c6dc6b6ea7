package io.vggstream.video.publish;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How frames are resized before encoding: not at all, to an exact size ({@code --resize WxH}), or
 * down so the longer side is at most N pixels ({@code --max-side N}, never up).
 */
public sealed interface Resize {

    /** The size to encode a {@code width x height} frame at, as {@code {w, h}}. */
    int[] target(int width, int height);

    /** Keep the source size. */
    record None() implements Resize {
        @Override
        public int[] target(int width, int height) {
            return new int[] {width, height};
        }
    }

    /** Exactly {@code width x height}, aspect ratio not kept. */
    record Exact(int width, int height) implements Resize {
        public Exact {
            if (width < 1 || height < 1 || width > 16384 || height > 16384) {
                throw new IllegalArgumentException("--resize must be WxH with both sides 1 to 16384, got " + width + "x" + height);
            }
        }

        @Override
        public int[] target(int w, int h) {
            return new int[] {width, height};
        }
    }

    /** Scaled down, aspect kept, so that the longer side is at most {@code maxSide}; smaller frames are kept. */
    record MaxSide(int maxSide) implements Resize {
        public MaxSide {
            if (maxSide < 1) {
                throw new IllegalArgumentException("--max-side must be at least 1, got " + maxSide);
            }
        }

        @Override
        public int[] target(int width, int height) {
            int longer = Math.max(width, height);
            if (longer <= maxSide) {
                return new int[] {width, height};
            }
            double s = (double) maxSide / longer;
            return new int[] {Math.max(1, (int) Math.round(width * s)), Math.max(1, (int) Math.round(height * s))};
        }
    }

    Pattern WXH = Pattern.compile("^\\s*(\\d{1,5})\\s*[xX]\\s*(\\d{1,5})\\s*$");

    /** Parses {@code --resize WxH}. */
    static Exact parse(String text) {
        Matcher m = WXH.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new IllegalArgumentException("--resize must be WIDTHxHEIGHT in pixels, e.g. 640x480, got '" + text + "'");
        }
        return new Exact(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }
}
