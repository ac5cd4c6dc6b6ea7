package io.vggstream.imaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The pure parts: magic bytes, header sizes, rescaled sizes in long, the tensor window. */
class ImagingTest {

    private static byte[] bytes(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = (byte) b[i];
        }
        return out;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void shouldAcceptOnlyJpegPngBmpAndWebpByTheirMagicBytes() {
        assertThat(ImageFormat.detect(bytes(0xff, 0xd8, 0xff, 0xe0))).contains(ImageFormat.JPEG);
        assertThat(ImageFormat.detect(bytes(0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a))).contains(ImageFormat.PNG);
        assertThat(ImageFormat.detect(ascii("BM\0\0"))).contains(ImageFormat.BMP);
        assertThat(ImageFormat.detect(ascii("RIFF\0\0\0\0WEBPVP8 "))).contains(ImageFormat.WEBP);
        assertThat(ImageFormat.detect(ascii("RIFF\0\0\0\0WAVEfmt "))).isEmpty();
        for (String other : new String[] {"P6\n100000 100000\n255\n", "#?RADIANCE\n", "GIF89a", "PF\n"}) {
            assertThat(ImageFormat.detect(ascii(other))).as(other).isEmpty();
        }
        assertThat(ImageFormat.guess(ascii("P6\n1 1\n255\n"))).isEqualTo("PNM");
        assertThat(ImageFormat.guess(bytes('I', 'I', 42, 0))).isEqualTo("TIFF");
        assertThat(ImageFormat.guess(bytes(0, 0, 0, 12, 'j', 'P', ' ', ' '))).isEqualTo("JPEG 2000");
        assertThat(ImageFormat.guess(ascii("#?RGBE"))).isEqualTo("Radiance HDR");
        assertThat(ImageFormat.guess(ascii("hello"))).isEqualTo("unknown");
    }

    @Test
    void shouldReadJpegSizesFromAnySofMarkerAndRefuseAHeightDeferredToDnl() {
        // SOI, an APP0 of 4 bytes, then a progressive SOF2 declaring 300 wide, 200 high.
        byte[] progressive = bytes(0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xc2, 0, 11, 8, 0, 200, 1, 44, 1, 1, 0x11, 0);
        assertThat(ImageProbe.size(progressive)).contains(new ImageProbe.Size(300, 200));
        byte[] dnl = bytes(0xff, 0xd8, 0xff, 0xc0, 0, 11, 8, 0, 0, 1, 44, 1, 1, 0x11, 0);
        assertThat(ImageProbe.size(dnl)).isEmpty();
        // A DHT (0xc4) is not a frame header; scan data before any frame header: no size.
        assertThat(ImageProbe.size(bytes(0xff, 0xd8, 0xff, 0xc4, 0, 2, 0xff, 0xda, 0, 2))).isEmpty();
    }

    @Test
    void shouldRefuseBrokenPngAndWebpHeaders() {
        byte[] png = new byte[24];
        System.arraycopy(bytes(0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 'I', 'H', 'D', 'R', 0x80, 0, 0, 0, 0, 0, 0, 8), 0, png, 0, 24);
        assertThat(ImageProbe.size(png)).as("width over 2^31 - 1").isEmpty();
        byte[] vp8 = new byte[30];
        System.arraycopy(ascii("RIFF\0\0\0\0WEBPVP8 "), 0, vp8, 0, 16);
        assertThat(ImageProbe.size(vp8)).as("no VP8 start code").isEmpty();
        vp8[23] = (byte) 0x9d;
        vp8[24] = 0x01;
        vp8[25] = 0x2a;
        vp8[26] = (byte) 0x40;
        vp8[27] = 0x01; // 320
        vp8[28] = (byte) 0xf0; // 240
        assertThat(ImageProbe.size(vp8)).contains(new ImageProbe.Size(320, 240));
        byte[] vp8l = new byte[30];
        System.arraycopy(ascii("RIFF\0\0\0\0WEBPVP8L"), 0, vp8l, 0, 16);
        vp8l[20] = 0x2f;
        int bits = (640 - 1) | (480 - 1) << 14;
        for (int i = 0; i < 4; i++) {
            vp8l[21 + i] = (byte) (bits >>> (8 * i));
        }
        assertThat(ImageProbe.size(vp8l)).contains(new ImageProbe.Size(640, 480));
    }

    @Test
    void shouldMeasureRescaledSizesInLong() {
        assertThat(Rescale.size(65_496L, 8L, 256)).containsExactly(2_095_872L, 256L);
        assertThat(Rescale.pixels(1_000_000L, 8L, 256)).isEqualTo(32_000_000L * 256);
        assertThat(Rescale.size(640, 480, 256)).containsExactly(341, 256);
        assertThatThrownBy(() -> Rescale.size(2_000_000_000, 8, 256)).isInstanceOf(ArithmeticException.class);
    }

    @Test
    void shouldSubtractTheMeanExactlyAndRefuseAWindowOutsideTheImage() {
        byte[] rgb = {10, 20, 30, 40, 50, 60};
        Pixels p = new Pixels(2, 1, Pixels.Layout.RGB, rgb);
        float[] mean = {1.5f, 2.25f, 3.125f};
        float[] out = new float[6];
        Tensors.chw(p, 0, 0, 2, 1, false, Tensors.minus(mean), out, 0);
        assertThat(out).containsExactly(10 - 1.5f, 40 - 1.5f, 20 - 2.25f, 50 - 2.25f, 30 - 3.125f, 60 - 3.125f);
        Tensors.chw(new Pixels(2, 1, Pixels.Layout.BGR, rgb), 0, 0, 2, 1, true, new float[3], out, 0);
        assertThat(out).containsExactly(60, 30, 50, 20, 40, 10);
        assertThatThrownBy(() -> Tensors.chw(p, 1, 0, 2, 1, false, new float[3], out, 0)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("not inside");
    }

    @Test
    void shouldGiveTheSameBitsForAMultiplierOfOneAsTheMeanSubtractionDid() {
        // Every byte value against 500 float means: p * 1 + (-m) is p - m, bit for bit.
        byte[] all = new byte[256 * 3];
        for (int p = 0; p < 256; p++) {
            all[3 * p] = (byte) p;
            all[3 * p + 1] = (byte) p;
            all[3 * p + 2] = (byte) p;
        }
        Pixels img = new Pixels(256, 1, Pixels.Layout.RGB, all);
        java.util.Random r = new java.util.Random(14);
        float[] out = new float[3 * 256];
        for (int i = 0; i < 500; i++) {
            float[] mean = {(float) (r.nextDouble() * 255), (float) (r.nextDouble() * 255), (float) (r.nextDouble() * 255)};
            Tensors.chw(img, 0, 0, 256, 1, false, ChannelAffine.minus(mean), out, 0);
            for (int c = 0; c < 3; c++) {
                for (int p = 0; p < 256; p++) {
                    assertThat(Float.floatToRawIntBits(out[c * 256 + p])).isEqualTo(Float.floatToRawIntBits(p - mean[c]));
                }
            }
        }
    }

    @Test
    void shouldTakeInputChannelZeroFromBlueForABgrMapWhateverTheLayout() {
        byte[] rgb = {10, 20, 30, 40, 50, 60};
        ChannelAffine caffe = new ChannelAffine(true, new float[] {1, 2, 4}, new float[] {-1, -2, -3});
        float[] plain = new float[6];
        float[] mirror = new float[6];
        for (Pixels p : new Pixels[] {new Pixels(2, 1, Pixels.Layout.RGB, rgb),
            new Pixels(2, 1, Pixels.Layout.BGR, new byte[] {30, 20, 10, 60, 50, 40})}) {
            Tensors.chwAndMirror(p, 0, 0, 2, 1, caffe, plain, mirror);
            assertThat(plain).containsExactly(30 - 1, 60 - 1, 40 - 2, 100 - 2, 40 - 3, 160 - 3);
            assertThat(mirror).containsExactly(60 - 1, 30 - 1, 100 - 2, 40 - 2, 160 - 3, 40 - 3);
            Tensors.chw(p, 0, 0, 2, 1, true, caffe, plain, 0);
            assertThat(plain).containsExactly(mirror);
        }
        assertThatThrownBy(() -> new ChannelAffine(false, new float[] {Float.POSITIVE_INFINITY, 1, 1}, new float[3]))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("channel 0");
    }
}
