package io.vggstream.imaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Optional;

/**
 * Fuzzes the decompression-bomb probe: {@link ImageProbe#size} reads a declared size or answers
 * empty for any bytes, and never throws (a header it cannot read is the decoder's to refuse). One
 * call into the public entry point, so the target moves with the probe. The input is the encoded
 * image. docs/fuzzing.md says how to run it.
 */
class ImageProbeFuzzTest {

    // Printable parts of the formats' headers (Jazzer writes the dictionary unescaped; the seeds carry the rest).
    @DictionaryEntries({"PNG", "IHDR", "IDAT", "IEND", "GIF89a", "GIF87a", "BM", "II*", "MM",
        "RIFF", "WEBP", "VP8 ", "VP8L", "VP8X", "JFIF", "Exif"})
    @FuzzTest
    void size(byte[] image) {
        Optional<ImageProbe.Size> size = ImageProbe.size(image);

        size.ifPresent(s -> {
            assertThat(s.width()).isNotNegative();
            assertThat(s.height()).isNotNegative();
        });
    }
}
