package io.vggstream.trainer.train;

import io.vggstream.report.LineChart;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Draws {@code curve.png}: training loss, and training and validation accuracy, per epoch, side by
 * side; a dashed grey line marks each learning-rate drop (drawn by the shared {@link LineChart}).
 */
public final class TrainingCurve {

    private static final int PANEL_W = 450;
    private static final int H = 420;

    private TrainingCurve() {}

    /** Renders the rows to {@code file} (written to a temporary file first, then moved). */
    public static void write(List<MetricsRow> rows, String title, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        LineChart loss = new LineChart("train loss", "epoch", "loss").yFromZero(true)
                .add(series("train loss", LineChart.RED, rows, MetricsRow::trainLoss));
        LineChart accuracy = new LineChart("accuracy", "epoch", "top-1 / top-5").yFromZero(false)
                .add(series("train top-1", LineChart.RED, rows, MetricsRow::trainTop1))
                .add(series("val top-1", LineChart.BLUE, rows, MetricsRow::valTop1))
                .add(series("val top-5", LineChart.GREEN, rows, MetricsRow::valTop5));
        for (int i = 1; i < rows.size(); i++) {
            if (rows.get(i).lr() < rows.get(i - 1).lr()) {
                double between = rows.get(i).epoch() - 0.5;
                loss.marker(between);
                accuracy.marker(between);
            }
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        LineChart.writeRow(tmp, title, PANEL_W, H, List.of(loss, accuracy));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static LineChart.Series series(String name, java.awt.Color colour, List<MetricsRow> rows,
            ToDoubleFunction<MetricsRow> value) {
        double[] x = rows.stream().mapToDouble(MetricsRow::epoch).toArray();
        double[] y = rows.stream().mapToDouble(value).toArray();
        return new LineChart.Series(name, colour, x, y, false);
    }
}
