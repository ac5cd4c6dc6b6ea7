package io.vggstream.engine.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import io.vggstream.engine.testing.Frames;
import io.vggstream.topics.deadletter.ErrorKind;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class PreprocessingTest {

    private static final float[] MEAN = {120, 115, 100};

    private static Plan plan(List<Integer> qs, boolean flips, boolean dense, boolean crops, int crop) {
        return new Plan(0, qs, flips, dense, crops, crop, MEAN);
    }

    @Test
    void shouldRescaleSoTheSmallestSideIsEachQKeepingTheAspect() {
        byte[] png = Frames.png(64, 48, 1);
        var ok = (Preprocessing.Result.Ok) Preprocessing.variants(png, List.of(plan(List.of(24, 96), false, true, false, 16)), 1 << 20);
        assertThat(ok.width()).isEqualTo(64);
        assertThat(ok.height()).isEqualTo(48);
        assertThat(ok.variants()).extracting(Variant::h, Variant::w)
            .containsExactly(org.assertj.core.groups.Tuple.tuple(24, 32), org.assertj.core.groups.Tuple.tuple(96, 128));
    }

    @Test
    void shouldSubtractTheMeanFromRgbInChannelMajorOrder() {
        BufferedImage img = Frames.image(20, 20, 2);
        var ok = (Preprocessing.Result.Ok) Preprocessing.variants(Frames.encode(img, "png"),
            List.of(plan(List.of(20), false, true, false, 16)), 1 << 20);
        float[] expected = Frames.chw(img, new double[] {120, 115, 100});
        assertThat(ok.variants().get(0).chw()).containsExactly(expected, org.assertj.core.data.Offset.offset(0f));
    }

    @Test
    void shouldMakeTheFlipTheMirrorImage() {
        var ok = (Preprocessing.Result.Ok) Preprocessing.variants(Frames.png(30, 20, 3),
            List.of(plan(List.of(20), true, true, false, 16)), 1 << 20);
        Variant a = ok.variants().get(0);
        Variant b = ok.variants().get(1);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < a.h(); y++) {
                for (int x = 0; x < a.w(); x++) {
                    int plane = c * a.h() * a.w();
                    assertThat(b.chw()[plane + y * a.w() + x]).isEqualTo(a.chw()[plane + y * a.w() + (a.w() - 1 - x)]);
                }
            }
        }
    }

    @Test
    void shouldPlaceTheFiveByFiveGridFromCornerToCorner() {
        List<int[]> g = Preprocessing.grid(100, 60, 20);
        assertThat(g).hasSize(25);
        assertThat(g.get(0)).containsExactly(0, 0);
        assertThat(g.get(4)).containsExactly(80, 0);
        assertThat(g.get(20)).containsExactly(0, 40);
        assertThat(g.get(24)).containsExactly(80, 40);
        assertThat(g.get(12)).containsExactly(40, 20);
    }

    @Test
    void shouldCutCropsOfTheCropSizeWithFlips() {
        var ok = (Preprocessing.Result.Ok) Preprocessing.variants(Frames.png(40, 32, 4),
            List.of(plan(List.of(32, 36), true, false, true, 24)), 1 << 20);
        assertThat(ok.variants()).hasSize(2 * 25 * 2);
        assertThat(ok.variants()).allSatisfy(v -> {
            assertThat(v.crop()).isTrue();
            assertThat(v.h()).isEqualTo(24);
            assertThat(v.w()).isEqualTo(24);
        });
        assertThat(plan(List.of(32, 36), true, false, true, 24).variantsPerFrame()).isEqualTo(100);
    }

    @Test
    void shouldScaleUpAnImageSmallerThanQ() {
        var ok = (Preprocessing.Result.Ok) Preprocessing.variants(Frames.png(28, 28, 5),
            List.of(plan(List.of(32), false, true, false, 32)), 1 << 20);
        assertThat(ok.variants().get(0).h()).isEqualTo(32);
    }

    @Test
    void shouldRejectBytesThatAreNotAnImageAsDecode() {
        var bad = (Preprocessing.Result.Bad) Preprocessing.variants("hello".getBytes(), List.of(plan(List.of(32), false, true, false, 32)), 1 << 20);
        assertThat(bad.kind()).isEqualTo(ErrorKind.DECODE);
    }

    @Test
    void shouldRefuseADecompressionBombBeforeDecoding() {
        // A real JPEG whose frame header is rewritten to declare 60000 x 60000 pixels.
        byte[] jpeg = Frames.jpeg(16, 16, 6);
        for (int i = 0; i < jpeg.length - 8; i++) {
            if ((jpeg[i] & 0xff) == 0xff && (jpeg[i + 1] & 0xff) == 0xc0) {
                jpeg[i + 5] = (byte) 0xea;
                jpeg[i + 6] = (byte) 0x60;
                jpeg[i + 7] = (byte) 0xea;
                jpeg[i + 8] = (byte) 0x60;
                break;
            }
        }
        assertThat(ImageProbe.size(jpeg)).contains(new ImageProbe.Size(60000, 60000));
        var bad = (Preprocessing.Result.Bad) Preprocessing.variants(jpeg, List.of(plan(List.of(32), false, true, false, 32)), 40_000_000L);
        assertThat(bad.kind()).isEqualTo(ErrorKind.TOO_MANY_PIXELS);
        assertThat(bad.reason()).contains("60000x60000").contains("before decoding");
    }

    @Test
    void shouldReadWebpHeaders() {
        byte[] vp8x = new byte[30];
        System.arraycopy("RIFF".getBytes(), 0, vp8x, 0, 4);
        System.arraycopy("WEBPVP8X".getBytes(), 0, vp8x, 8, 8);
        // canvas 1000 x 700 stored minus one, 24-bit little-endian
        vp8x[24] = (byte) (999 & 0xff);
        vp8x[25] = (byte) (999 >> 8);
        vp8x[27] = (byte) (699 & 0xff);
        vp8x[28] = (byte) (699 >> 8);
        assertThat(ImageProbe.size(vp8x)).contains(new ImageProbe.Size(1000, 700));
    }

    @Test
    void shouldMakeTheWindowAndItsMirrorInOnePassAsTwoSeparatePassesWould() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(9);
        byte[] bgr = new byte[37 * 23 * 3];
        for (int i = 0; i < bgr.length; i++) {
            bgr[i] = (byte) r.nextInt(256);
        }
        Preprocessing.Scaled s = new Preprocessing.Scaled(bgr, 37, 23);
        Plan p = plan(List.of(23), true, true, true, 16);
        for (int[] w : new int[][] {{0, 0, 37, 23}, {5, 3, 16, 16}, {21, 7, 16, 16}}) {
            Variant[] both = Preprocessing.tensorAndMirror(p, true, s, w[0], w[1], w[2], w[3]);
            assertThat(both[0].chw()).containsExactly(Preprocessing.tensor(p, true, s, w[0], w[1], w[2], w[3], false).chw());
            assertThat(both[1].chw()).containsExactly(Preprocessing.tensor(p, true, s, w[0], w[1], w[2], w[3], true).chw());
            assertThat(both[1].h()).isEqualTo(w[3]);
            assertThat(both[1].w()).isEqualTo(w[2]);
            assertThat(both[1].crop()).isTrue();
        }
    }
}
