package io.vggstream.engine.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;

/**
 * Fuzzes decoding and preprocessing with small caps: {@link Preprocessing#variants} answers any
 * bytes with {@code Ok} (exactly the plan's variants, each bounded by the caps) or {@code Bad}
 * (a kind and a reason), and never throws. Time and memory per input stay small because the caps
 * are: at most {@link #MAX_PIXELS} decoded pixels, so at most {@code MAX_PIXELS / MIN_SIDE^2}
 * aspect ratio, so a rescaled long side of at most {@code Q} times that. One call into the
 * public entry point, so the target moves with it. The input is the encoded image.
 * docs/fuzzing.md says how to run it.
 */
class PreprocessingFuzzTest {

    static final long MAX_PIXELS = 64 * 64;
    static final int MIN_SIDE = 8;
    static final int Q = 16;
    /** One model, one small scale, dense and 5x5 crops, with flips: every path of the variant code. */
    static final List<Plan> PLANS = List.of(new Plan(0, List.of(Q), true, true, true, Q, new float[] {123.68f, 116.78f, 103.94f}));

    // Printable parts of the formats' headers (Jazzer writes the dictionary unescaped; the seeds carry the rest).
    @DictionaryEntries({"PNG", "IHDR", "IDAT", "IEND", "GIF89a", "GIF87a", "BM", "II*", "MM",
        "RIFF", "WEBP", "VP8 ", "VP8L", "VP8X", "JFIF", "Exif"})
    @FuzzTest
    void variants(byte[] image) {
        // Decoded in full, and with reduced-decode on (a JPEG of 32 pixels or more a side is then DCT-scaled): the same promises.
        check(Preprocessing.variants(image, PLANS, ImageLimits.of(MAX_PIXELS, MIN_SIDE), false));
        check(Preprocessing.variants(image, PLANS, ImageLimits.of(MAX_PIXELS, MIN_SIDE), true));
    }

    private static void check(Preprocessing.Result result) {
        if (result instanceof Preprocessing.Result.Bad bad) {
            assertThat(bad.kind()).isNotNull();
            assertThat(bad.reason()).isNotBlank();
            return;
        }
        Preprocessing.Result.Ok ok = (Preprocessing.Result.Ok) result;
        assertThat((long) ok.width() * ok.height()).isLessThanOrEqualTo(MAX_PIXELS);
        assertThat(Math.min(ok.width(), ok.height())).isGreaterThanOrEqualTo(MIN_SIDE);
        assertThat(ok.variants()).hasSize(PLANS.get(0).variantsPerFrame());
        long longest = Q * (MAX_PIXELS / ((long) MIN_SIDE * MIN_SIDE)) + 1;
        for (Variant v : ok.variants()) {
            assertThat(Math.min(v.h(), v.w())).isEqualTo(Q);
            assertThat((long) Math.max(v.h(), v.w())).isLessThanOrEqualTo(longest);
            assertThat(v.chw()).hasSize(3 * v.h() * v.w());
        }
    }
}
