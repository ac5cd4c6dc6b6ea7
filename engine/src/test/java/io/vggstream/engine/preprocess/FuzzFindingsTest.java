package io.vggstream.engine.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import io.vggstream.topics.deadletter.ErrorKind;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What PreprocessingFuzzTest found, replayed under the engine's default limit (40 million pixels). */
class FuzzFindingsTest {

    private static final long DEFAULT_MAX_PIXELS = 40_000_000;
    private static final Plan PLAN = new Plan(0, List.of(32), false, true, false, 32, new float[] {0, 0, 0});

    private static byte[] finding(String name) throws IOException {
        try (InputStream in = FuzzFindingsTest.class.getResourceAsStream("PreprocessingFuzzTestInputs/variants/" + name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void shouldRefuseAGifByItsLogicalScreenBeforeDecoding() throws IOException {
        byte[] gif = finding("gif-screen-20496x18254");

        assertThat(ImageProbe.size(gif)).contains(new ImageProbe.Size(20496, 18254));
        assertThat(Preprocessing.variants(gif, List.of(PLAN), DEFAULT_MAX_PIXELS))
            .isInstanceOfSatisfying(Preprocessing.Result.Bad.class, bad -> assertThat(bad.kind()).isEqualTo(ErrorKind.TOO_MANY_PIXELS));
    }

    @Test
    void shouldAnswerDecodeWhenOpenCvThrowsOnAHeader() throws IOException {
        assertThat(Preprocessing.variants(finding("bmp-width-over-opencv-limit"), List.of(PLAN), DEFAULT_MAX_PIXELS))
            .isInstanceOfSatisfying(Preprocessing.Result.Bad.class, bad -> assertThat(bad.kind()).isEqualTo(ErrorKind.DECODE));
    }
}
