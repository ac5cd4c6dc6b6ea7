package io.vggstream.trainer.train;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/** Draws {@code curve.png}: training loss, and training and validation accuracy, per epoch (Java2D). */
public final class TrainingCurve {

    private static final int W = 900;
    private static final int H = 420;
    private static final int PAD = 50;

    private TrainingCurve() {}

    /** Renders the rows to {@code file} (written to a temporary file first, then moved). */
    public static void write(List<MetricsRow> rows, String title, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, W, H);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            g.drawString(title, PAD, 16);
            int half = W / 2;
            double maxLoss = rows.stream().mapToDouble(MetricsRow::trainLoss).filter(Double::isFinite).max().orElse(1);
            double minAcc = rows.stream().mapToDouble(r -> Math.min(r.trainTop1(), r.valTop1()))
                    .filter(Double::isFinite).min().orElse(0);
            panel(g, rows, 0, half, "train loss", 0, Math.max(1e-6, maxLoss), true,
                    List.of(new Series(MetricsRow::trainLoss, new Color(200, 60, 40), "train loss")));
            panel(g, rows, half, half, "accuracy", Math.max(0, Math.floor(minAcc * 10 - 1e-9) / 10), 1.0, false, List.of(
                    new Series(MetricsRow::trainTop1, new Color(200, 60, 40), "train top-1"),
                    new Series(MetricsRow::valTop1, new Color(40, 90, 200), "val top-1"),
                    new Series(MetricsRow::valTop5, new Color(40, 160, 90), "val top-5")));
        } finally {
            g.dispose();
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        ImageIO.write(img, "png", tmp.toFile());
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private record Series(ToDoubleFunction<MetricsRow> value, Color colour, String label) {}

    private static void panel(Graphics2D g, List<MetricsRow> rows, int x0, int width, String name, double yMin,
            double yMax, boolean legendTop, List<Series> series) {
        int left = x0 + PAD;
        int right = x0 + width - 20;
        int top = 40;
        int bottom = H - PAD;
        g.setColor(Color.BLACK);
        g.drawRect(left, top, right - left, bottom - top);
        int epochs = Math.max(1, rows.isEmpty() ? 1 : rows.get(rows.size() - 1).epoch());
        for (int t = 0; t <= 4; t++) {
            int y = bottom - (bottom - top) * t / 4;
            g.setColor(new Color(230, 230, 230));
            g.drawLine(left + 1, y, right - 1, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format(Locale.ROOT, "%.2f", yMin + (yMax - yMin) * t / 4), x0 + 5, y + 4);
        }
        int every = Math.max(1, epochs / 15);
        for (int e = every; e <= epochs; e += every) {
            int x = left + (int) ((right - left) * (double) e / epochs);
            g.drawLine(x, bottom, x, bottom + 4);
            g.drawString(Integer.toString(e), x - 4, bottom + 16);
        }
        g.drawString("epoch", (left + right) / 2 - 15, H - 12);
        double previousLr = rows.isEmpty() ? 0 : rows.get(0).lr();
        for (MetricsRow r : rows) {
            if (r.lr() < previousLr) {
                int x = left + (int) ((right - left) * (r.epoch() - 0.5) / epochs);
                g.setColor(new Color(150, 150, 150));
                g.setStroke(new BasicStroke(1, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1, new float[] {4, 4}, 0));
                g.drawLine(x, top, x, bottom);
                g.setStroke(new BasicStroke(1));
            }
            previousLr = r.lr();
        }
        int legendY = legendTop ? top + 15 : bottom - 16 * series.size() + 8;
        for (Series s : series) {
            g.setColor(s.colour());
            g.setStroke(new BasicStroke(2));
            int px = -1;
            int py = -1;
            for (MetricsRow r : rows) {
                double v = s.value().applyAsDouble(r);
                if (!Double.isFinite(v)) {
                    continue;
                }
                int x = left + (int) ((right - left) * (double) r.epoch() / epochs);
                int y = bottom - (int) ((bottom - top) * Math.min(1, Math.max(0, (v - yMin) / (yMax - yMin))));
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                g.fillOval(x - 2, y - 2, 5, 5);
                px = x;
                py = y;
            }
            g.drawString(s.label(), right - 110, legendY);
            legendY += 16;
        }
        g.setStroke(new BasicStroke(1));
        g.setColor(Color.BLACK);
        g.drawString(name, left + 5, top - 4);
    }
}
