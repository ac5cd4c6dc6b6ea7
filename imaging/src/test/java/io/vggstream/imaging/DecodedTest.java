package io.vggstream.imaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** The decoder's own guards, on what fuzzing found: no exception and no huge allocation escapes decode. */
class DecodedTest {

    private static byte[] finding(String name) throws IOException {
        try (InputStream in = DecodedTest.class.getResourceAsStream("ImageProbeFuzzTestInputs/size/" + name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void shouldAnswerEmptyWhenOpenCvThrowsOnTheHeader() throws IOException {
        assertThat(Decoded.decode(finding("bmp-width-over-opencv-limit"))).isEmpty();
    }

    @Test
    void shouldAnswerEmptyForAPngWhoseChunkDeclaresMoreBytesThanFollow() throws IOException {
        assertThat(Decoded.decode(finding("png-idat-declares-2.6GB"))).isEmpty();
    }

    @Test
    void shouldDecodeAWellFormedSeed() throws IOException {
        try (Decoded d = Decoded.decode(finding("f.png")).orElseThrow()) {
            assertThat(d.width()).isPositive();
            assertThat(d.height()).isPositive();
        }
    }
}
