package io.vggstream.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vggstream.trainer.BadInputException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderTest {

    @TempDir
    Path root;

    static void png(Path file, int w, int h, int rgb) throws IOException {
        Files.createDirectories(file.getParent());
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, rgb);
            }
        }
        ImageIO.write(img, file.getFileName().toString().endsWith(".png") ? "png" : "jpg", file.toFile());
    }

    @Test
    void shouldListClassesInOrderAndDecodeRgbWhenWellFormed() throws IOException {
        png(root.resolve("train/dog/a.png"), 5, 4, 0x102030);
        png(root.resolve("train/cat/b.png"), 3, 3, 0xff0000);
        png(root.resolve("train/cat/c.jpg"), 8, 8, 0x00ff00);
        Files.writeString(root.resolve("train/cat/notes.txt"), "not an image");

        ImageFolder set = ImageFolder.open(root, "train", null);

        assertThat(set.classes()).containsExactly("cat", "dog");
        assertThat(set.size()).isEqualTo(3);
        assertThat(set.label(2)).isEqualTo(1);
        RgbImage dog = set.image(2);
        assertThat(dog.width()).isEqualTo(5);
        assertThat(new int[] {dog.get(1, 1, 0), dog.get(1, 1, 1), dog.get(1, 1, 2)}).containsExactly(0x10, 0x20, 0x30);
    }

    @Test
    void shouldSkipCountAndWarnOnceWhenAnImageIsCorrupt() throws IOException {
        png(root.resolve("train/a/ok.png"), 4, 4, 0);
        png(root.resolve("train/b/ok.png"), 4, 4, 0);
        Files.write(root.resolve("train/b/broken.jpg"), new byte[] {(byte) 0xff, (byte) 0xd8, 1, 2, 3});
        ImageFolder set = ImageFolder.open(root, "train", null);
        int broken = 1; // sorted: a/ok.png, b/broken.jpg, b/ok.png
        assertThat(set.image(broken)).isNull();

        assertThat(set.image(broken)).isNull();

        assertThat(set.corrupt()).isEqualTo(2);
        assertThat(set.image(0)).isNotNull();
    }

    @Test
    void shouldNameTheClassFolderWhenItHasNoImages() throws IOException {
        png(root.resolve("train/a/ok.png"), 4, 4, 0);
        Files.createDirectories(root.resolve("train/empty"));
        Files.writeString(root.resolve("train/empty/readme.txt"), "x");

        assertThatThrownBy(() -> ImageFolder.open(root, "train", null))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("class folder " + root.resolve("train/empty") + " has no images");
    }

    @Test
    void shouldNameTheFolderWhenMissingOrEmpty() throws IOException {
        assertThatThrownBy(() -> ImageFolder.open(root.resolve("absent"), "train", null))
                .hasMessageContaining("dataset folder " + root.resolve("absent") + " does not exist");
        assertThatThrownBy(() -> ImageFolder.open(root, "train", null))
                .hasMessageContaining("has no train/ folder");
        Files.createDirectories(root.resolve("train"));
        assertThatThrownBy(() -> ImageFolder.open(root, "train", null))
                .hasMessageContaining(root.resolve("train") + " is empty");
    }

    @Test
    void shouldRefuseAValidationClassTheTrainingSetLacks() throws IOException {
        png(root.resolve("val/zebra/a.png"), 4, 4, 0);

        assertThatThrownBy(() -> ImageFolder.open(root, "val", List.of("cat", "dog")))
                .hasMessageContaining("zebra").hasMessageContaining("not a class of the training set");
    }

    @Test
    void shouldLabelValidationImagesByTheTrainingClassesWhenSomeAreMissing() throws IOException {
        png(root.resolve("val/dog/a.png"), 4, 4, 0);

        ImageFolder val = ImageFolder.open(root, "val", List.of("cat", "dog", "emu"));

        assertThat(val.label(0)).isEqualTo(1);
        assertThat(val.classes()).containsExactly("cat", "dog", "emu");
    }
}
