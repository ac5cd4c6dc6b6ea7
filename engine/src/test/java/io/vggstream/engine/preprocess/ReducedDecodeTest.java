package io.vggstream.engine.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import io.vggstream.engine.testing.Frames;
import io.vggstream.topics.deadletter.ErrorKind;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * vggstream.engine.preprocess.reduced-decode: which frames are DCT-scaled and by how much, that the variants keep the
 * shapes of a full decode, that EXIF orientation still applies, and that the limits still hold on the full size.
 * The agreement of the answers on real frames is cli's ReducedDecodeIT.
 */
class ReducedDecodeTest {

    private static final float[] MEAN = {123.68f, 116.78f, 103.94f};
    private static final ImageLimits LIMITS = ImageLimits.of(40_000_000L, 8);

    private static List<Plan> single(int... qs) {
        return List.of(new Plan(0, java.util.Arrays.stream(qs).boxed().toList(), true, true, false, Math.min(224, qs[0]), MEAN));
    }

    @Test
    void shouldPickTheLargestPowerOfTwoThatKeepsTheSmallerSideAtLeastTheLargestQ() {
        assertThat(Preprocessing.reduction(640, 480, 224)).isEqualTo(2);
        assertThat(Preprocessing.reduction(640, 480, 240)).isEqualTo(2);
        assertThat(Preprocessing.reduction(640, 480, 241)).isEqualTo(1);
        assertThat(Preprocessing.reduction(640, 480, 256)).isEqualTo(1);
        assertThat(Preprocessing.reduction(640, 480, 120)).isEqualTo(4);
        assertThat(Preprocessing.reduction(480, 640, 60)).isEqualTo(8);
        assertThat(Preprocessing.reduction(640, 480, 32)).isEqualTo(8);
        assertThat(Preprocessing.reduction(28, 28, 32)).isEqualTo(1);
    }

    @Test
    void shouldKeepTheFullDecodesShapesAndSizeAndChangePixelsOnlySlightlyWhenAJpegIsReduced() {
        byte[] jpeg = Frames.jpeg(641, 481, 11);
        for (int q : new int[] {32, 60, 100, 224}) {
            var full = (Preprocessing.Result.Ok) Preprocessing.variants(jpeg, single(q), LIMITS, false);
            var reduced = (Preprocessing.Result.Ok) Preprocessing.variants(jpeg, single(q), LIMITS, true);
            assertThat(reduced.width()).isEqualTo(641);
            assertThat(reduced.height()).isEqualTo(481);
            assertThat(reduced.variants()).hasSameSizeAs(full.variants());
            double sum = 0;
            long n = 0;
            for (int i = 0; i < full.variants().size(); i++) {
                Variant f = full.variants().get(i);
                Variant r = reduced.variants().get(i);
                assertThat(new int[] {r.h(), r.w()}).as("Q %d", q).containsExactly(f.h(), f.w());
                float[] a = f.chw();
                float[] b = r.chw();
                for (int j = 0; j < a.length; j++) {
                    sum += Math.abs(a[j] - b[j]);
                }
                n += a.length;
            }
            // Different pixels (it is a different decode), close ones: within a few levels of 255 on average.
            assertThat(sum / n).as("mean |full - reduced| at Q %d", q).isGreaterThan(0).isLessThan(3);
        }
    }

    @Test
    void shouldDecodeInFullWhenTheSmallerSideIsUnderTwiceTheLargestQOrTheFrameIsNotAJpeg() {
        byte[] jpeg = Frames.jpeg(640, 480, 12);
        // 480 < 2 x 256, and multi-scale's largest Q decides, not its smallest.
        for (List<Plan> plans : List.of(single(256), single(128, 256))) {
            assertThat(floats(Preprocessing.variants(jpeg, plans, LIMITS, true))).isDeepEqualTo(floats(Preprocessing.variants(jpeg, plans, LIMITS, false)));
        }
        // A PNG: OpenCV's reduced flags would decode it whole and resize it, so it is never asked to.
        byte[] png = Frames.png(640, 480, 13);
        assertThat(floats(Preprocessing.variants(png, single(32), LIMITS, true))).isDeepEqualTo(floats(Preprocessing.variants(png, single(32), LIMITS, false)));
    }

    @Test
    void shouldStillApplyExifOrientationWhenAJpegIsReduced() {
        // 640x480 as stored, orientation 6 (turn 90 degrees clockwise to show it): a 480x640 image, red band on top.
        BufferedImage stored = new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = stored.createGraphics();
        g.setColor(Color.BLUE);
        g.fillRect(0, 0, 640, 480);
        g.setColor(Color.RED);
        g.fillRect(0, 0, 160, 480); // the stored left edge becomes the top once turned clockwise
        g.dispose();
        byte[] jpeg = withOrientation(Frames.encode(stored, "jpg"), 6);
        var full = (Preprocessing.Result.Ok) Preprocessing.variants(jpeg, single(32), LIMITS, false);
        var reduced = (Preprocessing.Result.Ok) Preprocessing.variants(jpeg, single(32), LIMITS, true);
        assertThat(new int[] {full.width(), full.height()}).containsExactly(480, 640);
        assertThat(new int[] {reduced.width(), reduced.height()}).containsExactly(480, 640);
        Variant v = reduced.variants().get(0);
        assertThat(new int[] {v.w(), v.h()}).containsExactly(32, 43);
        // CHW, RGB minus the mean: the top row is red, the bottom row blue.
        float[] chw = v.chw();
        int plane = v.w() * v.h();
        assertThat(chw[0] + MEAN[0]).isGreaterThan(200);
        assertThat(chw[2 * plane] + MEAN[2]).isLessThan(60);
        assertThat(chw[plane - 1] + MEAN[0]).isLessThan(60);
        assertThat(chw[3 * plane - 1] + MEAN[2]).isGreaterThan(200);
    }

    @Test
    void shouldCheckTheLimitsOnTheFullSizeWhateverTheDecodedSize() {
        byte[] jpeg = Frames.jpeg(2000, 1000, 4);
        // Q 125: reduced by 8 to 250x125, but the image is still 2,000,000 pixels as sent, and rescaled 250x125 as in full.
        var tooMany = (Preprocessing.Result.Bad) Preprocessing.variants(jpeg, single(125), new ImageLimits(1_999_999L, 8, 10, 4_000_000L), true);
        assertThat(tooMany.kind()).isEqualTo(ErrorKind.TOO_MANY_PIXELS);
        var aspect = (Preprocessing.Result.Bad) Preprocessing.variants(jpeg, single(125), new ImageLimits(40_000_000L, 8, 1.99, 4_000_000L), true);
        assertThat(aspect.kind()).isEqualTo(ErrorKind.ASPECT_RATIO);
        // 250x125 = 31,250 tensor pixels either way: at the limit it passes, one under it is refused.
        assertThat(Preprocessing.variants(jpeg, single(125), new ImageLimits(40_000_000L, 8, 10, 31_250), true))
            .isInstanceOf(Preprocessing.Result.Ok.class);
        assertThat(((Preprocessing.Result.Bad) Preprocessing.variants(jpeg, single(125), new ImageLimits(40_000_000L, 8, 10, 31_249), true)).kind())
            .isEqualTo(ErrorKind.TOO_MANY_TENSOR_PIXELS);
        // min-image-side is the image's as sent, not the 1/8 decode's (125 pixels): 1000 >= 900 passes.
        assertThat(Preprocessing.variants(jpeg, single(125), ImageLimits.of(40_000_000L, 900), true)).isInstanceOf(Preprocessing.Result.Ok.class);
    }

    @Test
    void shouldAnswerTheFullSizeFromTheDeclaredOneOrGiveUpWhenTheDecoderMadeSomethingElse() {
        assertThat(Preprocessing.fullSize(321, 241, 641, 481, 2)).containsExactly(641, 481);
        assertThat(Preprocessing.fullSize(241, 321, 641, 481, 2)).containsExactly(481, 641);
        assertThat(Preprocessing.fullSize(81, 61, 641, 481, 8)).containsExactly(641, 481);
        assertThat(Preprocessing.fullSize(320, 241, 641, 481, 2)).isNull();
    }

    private static float[][] floats(Preprocessing.Result r) {
        return ((Preprocessing.Result.Ok) r).variants().stream().map(Variant::chw).toArray(float[][]::new);
    }

    /** {@code jpeg} with an APP1 Exif segment holding only Orientation = {@code orientation}, right after SOI. */
    static byte[] withOrientation(byte[] jpeg, int orientation) {
        byte[] tiff = {'M', 'M', 0, 42, 0, 0, 0, 8, // big-endian TIFF header, IFD0 at offset 8
            0, 1, // one entry
            0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte) orientation, 0, 0, // Orientation, SHORT, count 1, the value
            0, 0, 0, 0}; // no next IFD
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        int len = 2 + 6 + tiff.length;
        out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xE1, (byte) (len >> 8), (byte) len, 'E', 'x', 'i', 'f', 0, 0});
        out.writeBytes(tiff);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }
}
