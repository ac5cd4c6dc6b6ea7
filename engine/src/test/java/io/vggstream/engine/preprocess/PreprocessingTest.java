package io.vggstream.engine.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import io.vggstream.engine.testing.Frames;
import io.vggstream.imaging.ImageProbe;
import io.vggstream.imaging.Pixels;
import io.vggstream.imaging.Rescale;
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
        float[] ca = a.chw();
        float[] cb = b.chw();
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < a.h(); y++) {
                for (int x = 0; x < a.w(); x++) {
                    int plane = c * a.h() * a.w();
                    assertThat(cb[plane + y * a.w() + x]).isEqualTo(ca[plane + y * a.w() + (a.w() - 1 - x)]);
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
    void shouldWriteIntoADirectBatchBufferTheSameFloatsAsTheOnePassArrayTensorsWhenAtAnOffset() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(9);
        byte[] bgr = new byte[37 * 23 * 3];
        for (int i = 0; i < bgr.length; i++) {
            bgr[i] = (byte) r.nextInt(256);
        }
        Pixels s = new Pixels(37, 23, Pixels.Layout.BGR, bgr);
        Plan p = plan(List.of(23), true, true, true, 16);
        for (int[] w : new int[][] {{0, 0, 37, 23}, {5, 3, 16, 16}, {21, 7, 16, 16}}) {
            int n = 3 * w[2] * w[3];
            float[] plain = new float[n];
            float[] mirror = new float[n];
            io.vggstream.imaging.Tensors.chwAndMirror(s, w[0], w[1], w[2], w[3], p.input(), plain, mirror);
            // Two inputs of a batch, the second at an offset, in a direct buffer as ONNX Runtime reads it.
            java.nio.FloatBuffer batch = java.nio.ByteBuffer.allocateDirect(2 * n * Float.BYTES)
                .order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
            Variant a = Preprocessing.tensor(p, true, s, w[0], w[1], w[2], w[3], false);
            Variant b = Preprocessing.tensor(p, true, s, w[0], w[1], w[2], w[3], true);
            a.tensor().writeTo(batch, 0);
            b.tensor().writeTo(batch, n);
            float[] got = new float[2 * n];
            batch.get(0, got);
            assertThat(java.util.Arrays.copyOfRange(got, 0, n)).containsExactly(plain);
            assertThat(java.util.Arrays.copyOfRange(got, n, 2 * n)).containsExactly(mirror);
            assertThat(b.chw()).containsExactly(mirror);
            assertThat(b.h()).isEqualTo(w[3]);
            assertThat(b.w()).isEqualTo(w[2]);
            assertThat(b.crop()).isTrue();
        }
    }

    // Bounded preprocessing (issue 16, item 1) and the format allow-list (item 5).

    private static final List<Plan> SINGLE_256 = List.of(new Plan(0, List.of(256), true, true, false, 224, MEAN));

    /** A real 65,496 x 8 JPEG (a few KB) written by OpenCV: at Q 256 it would be 2,095,872 x 256. */
    static byte[] wideJpeg() {
        try (org.bytedeco.opencv.opencv_core.Mat m = new org.bytedeco.opencv.opencv_core.Mat(8, 65_496,
                 org.bytedeco.opencv.global.opencv_core.CV_8UC3, new org.bytedeco.opencv.opencv_core.Scalar(40, 90, 200, 0));
             org.bytedeco.javacpp.BytePointer out = new org.bytedeco.javacpp.BytePointer()) {
            assertThat(org.bytedeco.opencv.global.opencv_imgcodecs.imencode(".jpg", m, out)).isTrue();
            byte[] b = new byte[(int) out.limit()];
            out.get(b);
            return b;
        }
    }

    @Test
    void shouldComputeTheRescaledSizeInLongWhenItWouldOverflowAnInt() {
        assertThat(Rescale.size(65_496L, 8L, 256)).containsExactly(2_095_872L, 256L);
        assertThat(Rescale.size(8L, 1_000_000L, 256)).containsExactly(256L, 32_000_000L);
        assertThat(Rescale.pixels(1_000_000_000L, 8L, 512)).isEqualTo(64_000_000_000L * 512);
        // Where it fits an int, the size is what the engine always computed (a float quotient, rounded).
        for (int[] whq : new int[][] {{640, 480, 256}, {480, 640, 224}, {28, 28, 32}, {1920, 1080, 384}, {333, 500, 37}}) {
            int w = whq[0];
            int h = whq[1];
            int q = whq[2];
            int[] old = w <= h ? new int[] {q, Math.max(q, Math.round((float) h * q / w))} : new int[] {Math.max(q, Math.round((float) w * q / h)), q};
            assertThat(Preprocessing.scaledSize(w, h, q)).containsExactly(old);
        }
    }

    @Test
    void shouldRefuseAnExtremeAspectRatioBeforeDecoding() {
        byte[] jpeg = wideJpeg();
        assertThat(jpeg.length).isLessThan(64 * 1024);
        assertThat(ImageProbe.size(jpeg)).contains(new ImageProbe.Size(65_496, 8));
        var bad = (Preprocessing.Result.Bad) Preprocessing.variants(jpeg, SINGLE_256, ImageLimits.of(40_000_000L, 8));
        assertThat(bad.kind()).isEqualTo(ErrorKind.ASPECT_RATIO);
        assertThat(bad.reason()).contains("65496x8").contains("max-aspect-ratio");
    }

    @Test
    void shouldRefuseARescaledImageOverMaxTensorPixelsBeforeDecodingWhateverTheAspectCap() {
        // With the aspect cap off, the tensor cap still refuses it: 2,095,872 x 256 = 536,543,232 pixels at Q 256.
        var bad = (Preprocessing.Result.Bad) Preprocessing.variants(wideJpeg(), SINGLE_256,
            new ImageLimits(40_000_000L, 8, 1e9, ImageLimits.DEFAULT_MAX_TENSOR_PIXELS));
        assertThat(bad.kind()).isEqualTo(ErrorKind.TOO_MANY_TENSOR_PIXELS);
        assertThat(bad.reason()).contains("536543232").contains("max-tensor-pixels");
        // Summed over the protocol's scales: 640x480 at Q 256 and 512 is 341x256 + 683x512 = 87,296 + 349,696 pixels.
        List<Plan> two = List.of(new Plan(0, List.of(256, 512), false, true, false, 224, MEAN));
        byte[] vga = Frames.jpeg(640, 480, 3);
        assertThat(Preprocessing.variants(vga, two, new ImageLimits(40_000_000L, 8, 10, 436_992))).isInstanceOf(Preprocessing.Result.Ok.class);
        assertThat(((Preprocessing.Result.Bad) Preprocessing.variants(vga, two, new ImageLimits(40_000_000L, 8, 10, 436_991))).kind())
            .isEqualTo(ErrorKind.TOO_MANY_TENSOR_PIXELS);
    }

    @Test
    void shouldStateTheMostMemoryOneFrameCanTakeUnderTheDefaults() {
        // docs/engine.md, "What one frame can cost": the defaults (8 MiB frames, 40 M image pixels, 4 M tensor pixels),
        // one model, protocol single with flips: 2 x 8 MiB + 7 x 40 M + 6 x 4 M + 12 x 4 M x 2 = 416,777,216 bytes.
        ImageLimits defaults = new ImageLimits(40_000_000L, 8, 10, 4_000_000L);
        List<Plan> single = List.of(new Plan(0, List.of(256), true, true, false, 224, MEAN));
        assertThat(Preprocessing.maxFrameBytes(defaults, single, 8L << 20)).isEqualTo(416_777_216L);
        // dense+crops at three scales, flips: the same dense share (the three rescaled images are within 4 M together), plus
        // 3 x 25 crops of 12 x 224^2 bytes, twice.
        List<Plan> heavy = List.of(new Plan(0, List.of(256, 384, 512), true, true, true, 224, MEAN));
        assertThat(Preprocessing.maxFrameBytes(defaults, heavy, 8L << 20)).isEqualTo(416_777_216L + 3L * 25 * 12 * 224 * 224 * 2);
    }

    @Test
    void shouldKeepWhatAFrameAtTheTensorLimitAllocatesWithinTheStatedBound() {
        // 2000x1000 at Q 1414 is 2828x1414 = 3,998,792 pixels, just under 4 M.
        ImageLimits limits = new ImageLimits(40_000_000L, 8, 10, 4_000_000L);
        List<Plan> plans = List.of(new Plan(0, List.of(1414), true, true, false, 224, MEAN));
        byte[] jpeg = Frames.jpeg(2000, 1000, 4);
        var ok = (Preprocessing.Result.Ok) Preprocessing.variants(jpeg, plans, limits);
        long tensors = ok.variants().stream().mapToLong(v -> 4L * v.chw().length).sum();
        long decodedAndRescaled = 3L * 2000 * 1000 + 2 * 3L * 2828 * 1414;
        assertThat(tensors).isEqualTo(2 * 12L * 2828 * 1414);
        assertThat(2L * jpeg.length + decodedAndRescaled + tensors).isLessThanOrEqualTo(Preprocessing.maxFrameBytes(limits, plans, jpeg.length));
        // One pixel more of Q and it is refused.
        assertThat(((Preprocessing.Result.Bad) Preprocessing.variants(jpeg, List.of(new Plan(0, List.of(1415), true, true, false, 224, MEAN)),
            limits)).kind()).isEqualTo(ErrorKind.TOO_MANY_TENSOR_PIXELS);
    }

    @Test
    void shouldRefuseFormatsOutsideTheAllowListBeforeOpenCvSeesThem() {
        List<Plan> plans = List.of(plan(List.of(32), false, true, false, 32));
        byte[] pnm = "P6\n100000 100000\n255\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] hdr = "#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y 100000 +X 100000\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] tiff = {'I', 'I', 42, 0, 8, 0, 0, 0, 0, 0};
        byte[] jp2 = {0, 0, 0, 12, 'j', 'P', ' ', ' ', 13, 10, (byte) 0x87, 10};
        byte[] gif = Frames.encode(Frames.image(40, 30, 5), "gif");
        for (byte[] b : List.of(pnm, hdr, tiff, jp2, gif)) {
            var bad = (Preprocessing.Result.Bad) Preprocessing.variants(b, plans, 1 << 20);
            assertThat(bad.kind()).isEqualTo(ErrorKind.FORMAT);
            assertThat(bad.reason()).contains("JPEG, PNG, BMP or WebP");
        }
        assertThat(((Preprocessing.Result.Bad) Preprocessing.variants(pnm, plans, 1 << 20)).reason()).contains("PNM");
    }

    @Test
    void shouldReadTheDeclaredSizeOfEveryAcceptedFormat() {
        assertThat(ImageProbe.size(Frames.jpeg(61, 43, 1))).contains(new ImageProbe.Size(61, 43));
        assertThat(ImageProbe.size(Frames.png(61, 43, 1))).contains(new ImageProbe.Size(61, 43));
        assertThat(ImageProbe.size(Frames.encode(Frames.image(61, 43, 1), "bmp"))).contains(new ImageProbe.Size(61, 43));
        assertThat(ImageProbe.size(opencv(".jpg", 61, 43, org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_PROGRESSIVE, 1)))
            .contains(new ImageProbe.Size(61, 43));
        byte[] lossy = opencv(".webp", 61, 43, org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_WEBP_QUALITY, 80);
        assertThat(new String(lossy, 12, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("VP8 ");
        assertThat(ImageProbe.size(lossy)).contains(new ImageProbe.Size(61, 43));
        byte[] lossless = opencv(".webp", 61, 43, org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_WEBP_QUALITY, 101);
        assertThat(new String(lossless, 12, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("VP8L");
        assertThat(ImageProbe.size(lossless)).contains(new ImageProbe.Size(61, 43));
        // BMP: a top-down bitmap (negative height) and an OS/2 core header.
        byte[] topDown = new byte[54];
        topDown[0] = 'B';
        topDown[1] = 'M';
        topDown[14] = 40;
        topDown[18] = 61;
        int minus43 = -43;
        for (int i = 0; i < 4; i++) {
            topDown[22 + i] = (byte) (minus43 >> (8 * i));
        }
        assertThat(ImageProbe.size(topDown)).contains(new ImageProbe.Size(61, 43));
        byte[] core = new byte[26];
        core[0] = 'B';
        core[1] = 'M';
        core[14] = 12;
        core[18] = (byte) 0x10;
        core[19] = (byte) 0x27; // 10000
        core[20] = 43;
        assertThat(ImageProbe.size(core)).contains(new ImageProbe.Size(10_000, 43));
        // A header cut before the size: no size, so refused as decode before decoding.
        byte[] cut = java.util.Arrays.copyOf(Frames.png(61, 43, 1), 20);
        assertThat(ImageProbe.size(cut)).isEmpty();
        assertThat(((Preprocessing.Result.Bad) Preprocessing.variants(cut, List.of(plan(List.of(32), false, true, false, 32)), 1 << 20)).kind())
            .isEqualTo(ErrorKind.DECODE);
    }

    private static byte[] opencv(String ext, int w, int h, int flag, int value) {
        try (org.bytedeco.opencv.opencv_core.Mat m = new org.bytedeco.opencv.opencv_core.Mat(h, w,
                 org.bytedeco.opencv.global.opencv_core.CV_8UC3, new org.bytedeco.opencv.opencv_core.Scalar(10, 200, 30, 0));
             org.bytedeco.javacpp.BytePointer out = new org.bytedeco.javacpp.BytePointer();
             org.bytedeco.javacpp.IntPointer params = new org.bytedeco.javacpp.IntPointer(flag, value)) {
            assertThat(org.bytedeco.opencv.global.opencv_imgcodecs.imencode(ext, m, out, params)).isTrue();
            byte[] b = new byte[(int) out.limit()];
            out.get(b);
            return b;
        }
    }
}
