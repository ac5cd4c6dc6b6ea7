package io.vggstream.engine.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import io.vggstream.topics.deadletter.ErrorKind;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PngChunksTest {

    private static byte[] png() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(24, 16, BufferedImage.TYPE_INT_RGB), "png", out);
        return out.toByteArray();
    }

    /** The fuzzer's finding: a 24x16 PNG whose IDAT declares 2,650,949,251 bytes. */
    private static byte[] finding() throws IOException {
        try (InputStream in = PngChunksTest.class.getResourceAsStream("PreprocessingFuzzTestInputs/variants/png-idat-declares-2.6GB")) {
            return in.readAllBytes();
        }
    }

    @Test
    void shouldAcceptAWellFormedPngAndOtherFormats() throws IOException {
        assertThat(PngChunks.overrun(png())).isEmpty();
        assertThat(PngChunks.overrun(new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff})).isEmpty();
        assertThat(PngChunks.overrun(new byte[0])).isEmpty();
    }

    @Test
    void shouldNameTheChunkWhenItDeclaresMoreBytesThanFollow() throws IOException {
        assertThat(PngChunks.overrun(finding())).hasValueSatisfying(reason ->
            assertThat(reason).contains("'IDAT'", "2650949251 bytes"));
        byte[] cut = Arrays.copyOf(png(), 45);
        assertThat(PngChunks.overrun(cut)).hasValueSatisfying(reason -> assertThat(reason).contains("'IDAT'"));
    }

    @Test
    void shouldDeadLetterTheFindingAsDecodeWithoutDecodingIt() throws IOException {
        Plan plan = new Plan(0, List.of(16), false, true, false, 16, new float[] {0, 0, 0});

        Preprocessing.Result r = Preprocessing.variants(finding(), List.of(plan), 1_000_000);

        assertThat(r).isInstanceOfSatisfying(Preprocessing.Result.Bad.class, bad -> {
            assertThat(bad.kind()).isEqualTo(ErrorKind.DECODE);
            assertThat(bad.reason()).contains("PNG chunk 'IDAT'");
        });
    }
}
