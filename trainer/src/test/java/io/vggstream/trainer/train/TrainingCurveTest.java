package io.vggstream.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingCurveTest {

    @TempDir
    Path dir;

    @Test
    void shouldDrawLossAndAccuracySideBySideAndLeaveNoTemporaryFile() throws Exception {
        List<MetricsRow> rows = List.of(
            new MetricsRow(1, 2.1, 1, 2, 0.30, 0.28, 0.70, 0.01, 100, 10, 0),
            new MetricsRow(2, 1.6, 1, 2, 0.45, 0.41, 0.82, 0.01, 100, 10, 0),
            new MetricsRow(3, 1.2, 1, 2, 0.60, 0.55, 0.90, 0.001, 100, 10, 0));
        Path png = dir.resolve("curve.png");
        TrainingCurve.write(rows, "VGG-A, S 37, test", png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(900);
        assertThat(img.getHeight()).isGreaterThan(400);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("curve.png");
        }
    }
}
