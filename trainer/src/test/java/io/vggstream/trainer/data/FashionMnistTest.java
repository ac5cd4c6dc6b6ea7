package io.vggstream.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vggstream.trainer.BadInputException;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {

    @TempDir
    Path dir;

    static void writeIdx(Path dir, String prefix, int n, int rows, int cols, boolean gzip) throws IOException {
        String suffix = gzip ? ".gz" : "";
        try (DataOutputStream images = out(dir.resolve(prefix + "-images-idx3-ubyte" + suffix), gzip);
                DataOutputStream labels = out(dir.resolve(prefix + "-labels-idx1-ubyte" + suffix), gzip)) {
            images.writeInt(0x803);
            images.writeInt(n);
            images.writeInt(rows);
            images.writeInt(cols);
            labels.writeInt(0x801);
            labels.writeInt(n);
            for (int i = 0; i < n; i++) {
                for (int p = 0; p < rows * cols; p++) {
                    images.writeByte((i * 7 + p) & 0xff);
                }
                labels.writeByte(i % 10);
            }
        }
    }

    private static DataOutputStream out(Path file, boolean gzip) throws IOException {
        OutputStream o = Files.newOutputStream(file);
        return new DataOutputStream(gzip ? new GZIPOutputStream(o) : o);
    }

    @Test
    void shouldReadGzippedIdxAndReplicateGreyWhenRead() throws IOException {
        writeIdx(dir, "train", 12, 4, 3, true);

        FashionMnist set = FashionMnist.load(dir, FashionMnist.Split.TRAIN);

        assertThat(set.size()).isEqualTo(12);
        assertThat(set.label(11)).isEqualTo(1);
        RgbImage img = set.image(2);
        assertThat(img.width()).isEqualTo(3);
        assertThat(img.height()).isEqualTo(4);
        int expected = (2 * 7 + 1 * 3 + 2) & 0xff;
        assertThat(img.get(2, 1, 0)).isEqualTo(expected);
        assertThat(img.get(2, 1, 1)).isEqualTo(expected);
        assertThat(img.get(2, 1, 2)).isEqualTo(expected);
    }

    @Test
    void shouldReadPlainIdxWhenNotGzipped() throws IOException {
        writeIdx(dir, "t10k", 5, 2, 2, false);

        assertThat(FashionMnist.load(dir, FashionMnist.Split.TEST).size()).isEqualTo(5);
    }

    @Test
    void shouldNameTheFolderWhenItDoesNotExist() {
        Path missing = dir.resolve("nope");

        assertThatThrownBy(() -> FashionMnist.load(missing, FashionMnist.Split.TRAIN))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining(missing.toString())
                .extracting(e -> ((BadInputException) e).flag()).isEqualTo("--data");
    }

    @Test
    void shouldNameTheFileWhenItIsNotIdx() throws IOException {
        writeIdx(dir, "train", 3, 2, 2, true);
        Path images = dir.resolve("train-images-idx3-ubyte.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(images))) {
            o.write(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        }

        assertThatThrownBy(() -> FashionMnist.load(dir, FashionMnist.Split.TRAIN))
                .hasMessageContaining(images.toString()).hasMessageContaining("not an idx3");
    }

    @Test
    void shouldSayTruncatedWhenTheFileEndsEarly() throws IOException {
        writeIdx(dir, "train", 3, 2, 2, false);
        Path images = dir.resolve("train-images-idx3-ubyte");
        byte[] all = Files.readAllBytes(images);
        Files.write(images, java.util.Arrays.copyOf(all, all.length - 3));

        assertThatThrownBy(() -> FashionMnist.load(dir, FashionMnist.Split.TRAIN)).hasMessageContaining("truncated");
    }

    @Test
    void shouldLoadTheInstalledDatasetWhenPresent() {
        assumeTrue(FashionMnist.isFashionMnistDir(FashionMnist.DEBIAN_DIR), "dataset-fashion-mnist not installed");

        FashionMnist test = FashionMnist.load(FashionMnist.DEBIAN_DIR, FashionMnist.Split.TEST);

        assertThat(test.size()).isEqualTo(10_000);
        assertThat(test.image(0).width()).isEqualTo(28);
        assertThat(test.classes()).hasSize(10);
    }
}
