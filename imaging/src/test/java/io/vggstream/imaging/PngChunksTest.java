package io.vggstream.imaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
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
        try (InputStream in = PngChunksTest.class.getResourceAsStream("ImageProbeFuzzTestInputs/size/png-idat-declares-2.6GB")) {
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
}
