package io.vggstream.engine.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import io.vggstream.topics.deadletter.ErrorKind;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the fuzz targets found, replayed under the engine's default limit (40 million pixels). */
class FuzzFindingsTest {

    private static final long DEFAULT_MAX_PIXELS = 40_000_000;
    private static final Plan PLAN = new Plan(0, List.of(32), false, true, false, 32, new float[] {0, 0, 0});

    private static byte[] finding(String name) throws IOException {
        try (InputStream in = FuzzFindingsTest.class.getResourceAsStream("PreprocessingFuzzTestInputs/variants/" + name)) {
            return in.readAllBytes();
        }
    }

    private static Preprocessing.Result.Bad refused(String name) throws IOException {
        Preprocessing.Result r = Preprocessing.variants(finding(name), List.of(PLAN), DEFAULT_MAX_PIXELS);
        assertThat(r).isInstanceOf(Preprocessing.Result.Bad.class);
        return (Preprocessing.Result.Bad) r;
    }

    @Test
    void shouldRefuseTheGifWhoseScreenOpenCvDecodedForSecondsByItsFormat() throws IOException {
        assertThat(refused("gif-screen-20496x18254").kind()).isEqualTo(ErrorKind.FORMAT);
    }

    @Test
    void shouldRefuseTheBmpOpenCvThrowsOnByItsDeclaredSizeBeforeDecodingIt() throws IOException {
        Preprocessing.Result.Bad bad = refused("bmp-width-over-opencv-limit");

        assertThat(bad.kind()).isEqualTo(ErrorKind.TOO_MANY_PIXELS);
        assertThat(bad.reason()).contains("declares 1061118988x65", "refused before decoding");
    }

    @Test
    void shouldDeadLetterThePngWhoseChunkOverrunsAsDecodeWithoutDecodingIt() throws IOException {
        Preprocessing.Result.Bad bad = refused("png-idat-declares-2.6GB");

        assertThat(bad.kind()).isEqualTo(ErrorKind.DECODE);
        assertThat(bad.reason()).contains("PNG chunk 'IDAT'", "2650949251 bytes");
    }

    @Test
    void shouldRefuseTheTiffWhoseSizeImageIoReadAsMinusOneByItsFormat() throws IOException {
        assertThat(refused("tiff-imageio-size-minus-1").kind()).isEqualTo(ErrorKind.FORMAT);
    }
}
