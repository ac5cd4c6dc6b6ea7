package io.vggstream.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineChartTest {

    @TempDir
    Path dir;

    @Test
    void shouldDrawAChartAsAPng() throws Exception {
        Path png = dir.resolve("chart.png");
        new LineChart("t", "batch", "frames/s").log2X()
            .add(new LineChart.Series("a", LineChart.BLUE, new double[] {1, 2, 4, 8}, new double[] {3, 5, 6, 6.5}, false))
            .reference(new LineChart.Reference("ref", LineChart.GREY, 7))
            .write(png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isPositive();
        assertThat(img.getHeight()).isPositive();
    }

    @Test
    void shouldDrawChartsSideBySideWithMarkers() throws Exception {
        Path png = dir.resolve("row.png");
        LineChart a = new LineChart("loss", "epoch", "loss")
            .add(new LineChart.Series("train", LineChart.RED, new double[] {1, 2, 3}, new double[] {2, 1.5, 1}, false)).marker(2.5);
        LineChart b = new LineChart("accuracy", "epoch", "top-1").yFromZero(false)
            .add(new LineChart.Series("val", LineChart.BLUE, new double[] {1, 2, 3}, new double[] {0.3, 0.5, Double.NaN}, false));
        LineChart.writeRow(png, "a run", 300, 200, java.util.List.of(a, b));
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(600);
        assertThat(img.getHeight()).isEqualTo(228);
    }

    @Test
    void shouldCoverTheRangeWithRoundTicks() {
        double[] t = LineChart.ticks(0.3, 9.7);
        assertThat(t[0]).isLessThanOrEqualTo(0.3);
        assertThat(t[t.length - 1]).isGreaterThanOrEqualTo(9.7);
        assertThat(t).contains(0.0, 2.0, 10.0);
    }
}
