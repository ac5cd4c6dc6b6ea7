package io.vggstream.video.annotate;

import io.vggstream.topics.prediction.Prediction;
import io.vggstream.video.LabelMatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where the text and bars go on an annotated frame: a translucent panel in the top-left corner
 * with the stream and frame number, the latency, the top-k classes with their probabilities as
 * text and bars, and the ground truth (green when the top-1 matches it, red when not). Sizes
 * follow the frame's height so the panel reads the same at 360 and 1080 lines. Pure layout: a
 * {@link TextMeasure} supplies text widths, {@link OverlayPainter} draws.
 */
public final class Overlay {

    /** Text widths in pixels, as the font will draw them. */
    @FunctionalInterface
    public interface TextMeasure {
        int width(String text, double scale, int thickness);
    }

    /** Something to draw. Colours are 0xRRGGBB. */
    public sealed interface Element {
        /** Text with its baseline's left end at (x, y). */
        record Text(String text, int x, int y, double scale, int thickness, int rgb) implements Element {
        }

        /** A filled rectangle, blended with the frame at {@code alpha} (1: opaque). */
        record Box(int x, int y, int width, int height, int rgb, double alpha) implements Element {
        }
    }

    static final int WHITE = 0xFFFFFF;
    static final int GREY = 0xB4B4B4;
    static final int GREEN = 0x4CD964;
    static final int RED = 0xFF5A5A;
    static final int TRACK = 0x3C3C3C;
    static final int TOP_BAR = 0x3FA9F5;
    static final int BAR = 0x8AA4BF;
    static final int PANEL = 0x000000;

    private Overlay() {
    }

    /** The font scale for a frame this high: 0.5 at 360 lines, 1.0 at 720, within 0.4 to 1.2. */
    static double scale(int height) {
        return Math.max(0.4, Math.min(1.2, height / 720.0));
    }

    /**
     * Lays out the panel for one frame of {@code width x height}.
     *
     * @param prediction the frame's prediction, if there is one
     * @param topK how many classes to list at most
     */
    public static List<Element> layout(int width, int height, String stream, long seq, Optional<Prediction> prediction, int topK,
        TextMeasure measure) {
        double s = scale(height);
        int th = s >= 0.8 ? 2 : 1;
        int lineH = (int) Math.round(38 * s);
        int pad = (int) Math.round(10 * s);
        int margin = (int) Math.round(8 * s);
        int capH = (int) Math.round(22 * s);
        int barH = Math.max(2, (int) Math.round(4 * s));
        int gap = (int) Math.round(12 * s);
        int maxInner = Math.max(1, width - 2 * margin - 2 * pad);

        String header = ascii(stream) + "  #" + seq;
        String second;
        Optional<String> truth = Optional.empty();
        boolean right = false;
        List<Prediction.Ranked> ranked = List.of();
        if (prediction.isPresent()) {
            Prediction p = prediction.get();
            second = "latency " + latency(p.latencyMs().capture()) + (p.partial() ? "  partial" : "");
            ranked = p.top().subList(0, Math.min(Math.max(0, topK), p.top().size()));
            if (p.label().isPresent()) {
                right = LabelMatch.correct(p);
                truth = Optional.of("label " + ascii(labelText(p.label().get(), p.top())) + (right ? "  right" : "  wrong"));
            }
        } else {
            second = "no prediction";
        }

        int pctW = measure.width("100.0%", s, th);
        int want = Math.max((int) Math.round(220 * s), Math.max(measure.width(header, s, th), measure.width(second, s, th)));
        if (truth.isPresent()) {
            want = Math.max(want, measure.width(truth.get(), s, th));
        }
        for (Prediction.Ranked r : ranked) {
            want = Math.max(want, measure.width(ascii(r.label()), s, th) + gap + pctW);
        }
        int inner = Math.min(want, maxInner);

        // Fewer class rows when the frame is too low for all of them; header and latency always stay.
        int rows = ranked.size();
        int extra = truth.isPresent() ? 1 : 0;
        while (rows > 0 && panelHeight(2 + rows + extra, pad, capH, lineH, s) > height - 2 * margin) {
            rows--;
        }
        int lines = 2 + rows + extra;
        int panelW = inner + 2 * pad;
        int panelH = panelHeight(lines, pad, capH, lineH, s);

        List<Element> out = new ArrayList<>();
        out.add(new Element.Box(margin, margin, panelW, panelH, PANEL, 0.6));
        int x = margin + pad;
        int y = margin + pad + capH;
        out.add(new Element.Text(fit(header, inner, s, th, measure), x, y, s, th, WHITE));
        y += lineH;
        out.add(new Element.Text(fit(second, inner, s, th, measure), x, y, s, th, GREY));
        for (int i = 0; i < rows; i++) {
            Prediction.Ranked r = ranked.get(i);
            y += lineH;
            String pct = String.format(Locale.ROOT, "%.1f%%", 100 * r.p());
            int pw = measure.width(pct, s, th);
            out.add(new Element.Text(fit(ascii(r.label()), Math.max(1, inner - gap - pctW), s, th, measure), x, y, s, th,
                i == 0 ? WHITE : GREY));
            out.add(new Element.Text(pct, x + inner - pw, y, s, th, i == 0 ? WHITE : GREY));
            int barY = y + (int) Math.round(6 * s);
            out.add(new Element.Box(x, barY, inner, barH, TRACK, 1.0));
            int filled = (int) Math.round(Math.max(0, Math.min(1, r.p())) * inner);
            if (filled > 0) {
                out.add(new Element.Box(x, barY, filled, barH, i == 0 ? TOP_BAR : BAR, 1.0));
            }
        }
        if (truth.isPresent()) {
            y += lineH;
            out.add(new Element.Text(fit(truth.get(), inner, s, th, measure), x, y, s, th, right ? GREEN : RED));
        }
        return out;
    }

    /** A class-index label with its name when the top-k knows it ({@code 5 Sandal}); otherwise the label as it is. */
    static String labelText(String label, List<Prediction.Ranked> top) {
        String l = label.strip();
        if (l.matches("[0-9]{1,9}")) {
            int i = Integer.parseInt(l);
            for (Prediction.Ranked r : top) {
                if (r.index() == i && r.label() != null && !r.label().equals(l)) {
                    return l + " " + r.label();
                }
            }
        }
        return label;
    }

    private static int panelHeight(int lines, int pad, int capH, int lineH, double s) {
        return 2 * pad + capH + (lines - 1) * lineH + (int) Math.round(10 * s);
    }

    /** {@code text} cut (ending in "..") to fit {@code maxWidth} pixels. */
    static String fit(String text, int maxWidth, double s, int th, TextMeasure measure) {
        if (measure.width(text, s, th) <= maxWidth) {
            return text;
        }
        String t = text;
        while (t.length() > 1 && measure.width(t + "..", s, th) > maxWidth) {
            t = t.substring(0, t.length() - 1);
        }
        return t + "..";
    }

    static String latency(double ms) {
        return ms >= 10_000 ? String.format(Locale.ROOT, "%.1f s", ms / 1000) : String.format(Locale.ROOT, "%.0f ms", ms);
    }

    /** OpenCV's Hershey fonts draw printable ASCII only: anything else becomes '?'. */
    static String ascii(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        s.codePoints().forEach(c -> sb.append(c >= 0x20 && c < 0x7F ? (char) c : '?'));
        return sb.toString();
    }

    /**
     * The size of the annotated video for frames of {@code width x height}: scaled up (aspect
     * kept) to at least {@code minHeight} lines when {@code minHeight > 0}, then made even, which
     * H.264 in 4:2:0 needs.
     */
    static int[] outputSize(int width, int height, int minHeight) {
        double f = minHeight > 0 && height < minHeight ? (double) minHeight / height : 1.0;
        int w = (int) Math.round(width * f);
        int h = (int) Math.round(height * f);
        return new int[] {w + (w & 1), h + (h & 1)};
    }
}
