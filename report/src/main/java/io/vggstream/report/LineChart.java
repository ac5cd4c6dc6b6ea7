package io.vggstream.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A plain line chart as a PNG, drawn with Java2D (no plotting library): series of (x, y) points
 * with markers, optional dashed horizontal reference lines, nice ticks, a legend. The x axis may
 * be logarithmic in base 2 (batch sizes), and dashed vertical markers may flag events (a learning
 * rate drop). One chart a file ({@link #write}), or several side by side under a heading
 * ({@link #writeRow}): the benchmark and soak reports and the trainer's {@code curve.png} all draw
 * with this class.
 */
public final class LineChart {

    /** A named series of points, drawn in {@code color}. */
    public record Series(String name, Color color, double[] x, double[] y, boolean dashed) {
    }

    /** A labelled horizontal line at {@code y}. */
    public record Reference(String name, Color color, double y) {
    }

    public static final Color BLUE = new Color(0x1f77b4);
    public static final Color ORANGE = new Color(0xff7f0e);
    public static final Color GREEN = new Color(0x2ca02c);
    public static final Color RED = new Color(0xd62728);
    public static final Color PURPLE = new Color(0x9467bd);
    public static final Color GREY = new Color(0x7f7f7f);

    private static final int W = 900;
    private static final int H = 540;
    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 50;
    private static final int BOTTOM = 70;

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Series> series = new ArrayList<>();
    private final List<Reference> references = new ArrayList<>();
    private final List<Double> markers = new ArrayList<>();
    private boolean log2X;
    private boolean yFromZero = true;

    public LineChart(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    public LineChart log2X() {
        this.log2X = true;
        return this;
    }

    public LineChart yFromZero(boolean fromZero) {
        this.yFromZero = fromZero;
        return this;
    }

    public LineChart add(Series s) {
        if (s.x().length > 0) {
            series.add(s);
        }
        return this;
    }

    public LineChart reference(Reference r) {
        if (Double.isFinite(r.y())) {
            references.add(r);
        }
        return this;
    }

    /** A dashed grey vertical line at {@code x} (an event, not a value). */
    public LineChart marker(double x) {
        if (Double.isFinite(x)) {
            markers.add(x);
        }
        return this;
    }

    public boolean isEmpty() {
        return series.isEmpty();
    }

    public void write(Path file) throws IOException {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            draw(g, W, H);
        } finally {
            g.dispose();
        }
        ImageIO.write(img, "png", file.toFile());
    }

    /** {@code charts} side by side, each {@code panelWidth} x {@code height}, under {@code heading} (28 pixels). */
    public static void writeRow(Path file, String heading, int panelWidth, int height, List<LineChart> charts) throws IOException {
        if (charts.isEmpty()) {
            throw new IllegalArgumentException("a row of charts needs at least one chart");
        }
        int top = 28;
        BufferedImage img = new BufferedImage(panelWidth * charts.size(), top + height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            g.drawString(heading, LEFT, 18);
            for (int i = 0; i < charts.size(); i++) {
                Graphics2D panel = (Graphics2D) g.create(i * panelWidth, top, panelWidth, height);
                try {
                    charts.get(i).draw(panel, panelWidth, height);
                } finally {
                    panel.dispose();
                }
            }
        } finally {
            g.dispose();
        }
        ImageIO.write(img, "png", file.toFile());
    }

    private double tx(double x) {
        return log2X ? Math.log(x) / Math.log(2) : x;
    }

    /** Draws the chart into {@code g}'s origin, {@code w} x {@code h}. */
    private void draw(Graphics2D g, int w, int h) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        double xmin = Double.POSITIVE_INFINITY;
        double xmax = Double.NEGATIVE_INFINITY;
        double ymin = yFromZero ? 0 : Double.POSITIVE_INFINITY;
        double ymax = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                if (!Double.isFinite(s.y()[i])) {
                    continue;
                }
                xmin = Math.min(xmin, tx(s.x()[i]));
                xmax = Math.max(xmax, tx(s.x()[i]));
                ymin = Math.min(ymin, s.y()[i]);
                ymax = Math.max(ymax, s.y()[i]);
            }
        }
        for (Reference r : references) {
            ymax = Math.max(ymax, r.y());
            ymin = Math.min(ymin, r.y());
        }
        if (!Double.isFinite(xmin)) {
            xmin = 0;
            xmax = 1;
            ymin = 0;
            ymax = 1;
        }
        if (xmax == xmin) {
            xmin -= 1;
            xmax += 1;
        }
        if (ymax == ymin) {
            ymax = ymin + 1;
        }
        double[] yt = ticks(ymin, ymax * 1.05);
        ymin = yt[0];
        ymax = yt[yt.length - 1];
        double xpad = (xmax - xmin) * 0.04;
        xmin -= xpad;
        xmax += xpad;
        int pw = w - LEFT - RIGHT;
        int ph = h - TOP - BOTTOM;
        final double fxmin = xmin;
        final double fxmax = xmax;
        final double fymin = ymin;
        final double fymax = ymax;
        java.util.function.DoubleUnaryOperator px = x -> LEFT + (tx(x) - fxmin) / (fxmax - fxmin) * pw;
        java.util.function.DoubleUnaryOperator py = y -> TOP + ph - (y - fymin) / (fymax - fymin) * ph;

        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.setColor(Color.BLACK);
        g.drawString(title, LEFT, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();
        // Grid and y ticks.
        for (double y : yt) {
            int yy = (int) Math.round(py.applyAsDouble(y));
            g.setColor(new Color(0xe6e6e6));
            g.drawLine(LEFT, yy, LEFT + pw, yy);
            g.setColor(Color.DARK_GRAY);
            String label = label(y);
            g.drawString(label, LEFT - 8 - fm.stringWidth(label), yy + fm.getAscent() / 2 - 1);
        }
        // X ticks: the data's own x values (batch sizes, delays) when few, else nice numbers.
        List<Double> xs = new ArrayList<>();
        for (Series s : series) {
            for (double x : s.x()) {
                if (!xs.contains(x)) {
                    xs.add(x);
                }
            }
        }
        double[] xt;
        if (xs.size() <= 12) {
            xt = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        } else {
            xt = log2X ? xs.stream().mapToDouble(Double::doubleValue).sorted().toArray() : ticks(xmin + xpad, xmax - xpad);
        }
        int lastRight = Integer.MIN_VALUE;
        for (double x : xt) {
            int xx = (int) Math.round(px.applyAsDouble(x));
            if (xx < LEFT || xx > LEFT + pw) {
                continue;
            }
            g.setColor(Color.DARK_GRAY);
            g.drawLine(xx, TOP + ph, xx, TOP + ph + 5);
            String label = label(x);
            int lw = fm.stringWidth(label);
            if (xx - lw / 2 > lastRight + 4) {
                g.drawString(label, xx - lw / 2, TOP + ph + 20);
                lastRight = xx + lw / 2;
            }
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, TOP, pw, ph);
        g.drawString(xLabel, LEFT + pw / 2 - fm.stringWidth(xLabel) / 2, h - 25);
        Graphics2D gy = (Graphics2D) g.create();
        gy.rotate(-Math.PI / 2);
        gy.drawString(yLabel, -(TOP + ph / 2) - fm.stringWidth(yLabel) / 2, 20);
        gy.dispose();
        // Markers.
        for (double x : markers) {
            int xx = (int) Math.round(px.applyAsDouble(x));
            if (xx >= LEFT && xx <= LEFT + pw) {
                g.setColor(GREY);
                g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {4, 4}, 0));
                g.drawLine(xx, TOP, xx, TOP + ph);
            }
        }
        // Reference lines.
        for (Reference r : references) {
            int yy = (int) Math.round(py.applyAsDouble(r.y()));
            g.setColor(r.color());
            g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {8, 6}, 0));
            g.drawLine(LEFT, yy, LEFT + pw, yy);
        }
        // Series.
        for (Series s : series) {
            g.setColor(s.color());
            g.setStroke(s.dashed()
                ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10, new float[] {6, 4}, 0)
                : new BasicStroke(2.2f));
            int prevX = -1;
            int prevY = -1;
            for (int i = 0; i < s.x().length; i++) {
                if (!Double.isFinite(s.y()[i])) {
                    continue;
                }
                int xx = (int) Math.round(px.applyAsDouble(s.x()[i]));
                int yy = (int) Math.round(py.applyAsDouble(s.y()[i]));
                if (prevX >= 0) {
                    g.drawLine(prevX, prevY, xx, yy);
                }
                if (s.x().length <= 40) {
                    g.fillOval(xx - 4, yy - 4, 8, 8);
                }
                prevX = xx;
                prevY = yy;
            }
        }
        // Legend.
        g.setStroke(new BasicStroke(2.2f));
        int ly = TOP + 14;
        int lx = LEFT + 14;
        List<Object[]> entries = new ArrayList<>();
        series.forEach(s -> entries.add(new Object[] {s.name(), s.color()}));
        references.forEach(r -> entries.add(new Object[] {r.name(), r.color()}));
        int boxW = entries.stream().mapToInt(e -> fm.stringWidth((String) e[0])).max().orElse(0) + 40;
        g.setColor(new Color(255, 255, 255, 230));
        g.fillRect(lx - 6, ly - 12, boxW, entries.size() * 18 + 6);
        for (Object[] e : entries) {
            g.setColor((Color) e[1]);
            g.drawLine(lx, ly - 4, lx + 22, ly - 4);
            g.setColor(Color.BLACK);
            g.drawString((String) e[0], lx + 28, ly);
            ly += 18;
        }
    }

    private static String label(double v) {
        if (Math.abs(v - Math.rint(v)) < 1e-9) {
            return String.format(Locale.ROOT, "%d", (long) Math.rint(v));
        }
        return Math.abs(v) >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    /** About six ticks at 1, 2 or 5 times a power of ten, covering [lo, hi]. */
    static double[] ticks(double lo, double hi) {
        double range = hi - lo;
        double raw = range / 6;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = raw / mag < 1.5 ? mag : raw / mag < 3.5 ? 2 * mag : raw / mag < 7.5 ? 5 * mag : 10 * mag;
        double start = Math.floor(lo / step) * step;
        double end = Math.ceil(hi / step) * step;
        int n = (int) Math.round((end - start) / step) + 1;
        double[] t = new double[n];
        for (int i = 0; i < n; i++) {
            t[i] = start + i * step;
        }
        return t;
    }
}
