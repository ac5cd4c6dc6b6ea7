package io.vggstream.video.publish;

import io.vggstream.video.VideoException;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Per-frame ground truth for a video: a CSV of {@code seq,label} lines, where {@code seq} is the
 * frame's 0-based index in the file (the published {@code seq} when not looping) and
 * {@code label} a class index or name. A first line {@code seq,label} is a header and skipped,
 * as are blank lines and lines starting with {@code #}. A label may be quoted
 * ({@code 3,"T-shirt, top"}; {@code ""} is a quote). Frames without a line carry no label.
 */
public final class LabelsCsv {

    /** The contract's longest label, in UTF-8 bytes. */
    static final int MAX_LABEL_BYTES = 255;

    private final Map<Long, String> labels;

    private LabelsCsv(Map<Long, String> labels) {
        this.labels = Collections.unmodifiableMap(labels);
    }

    /** No labels at all. */
    public static LabelsCsv none() {
        return new LabelsCsv(new TreeMap<>());
    }

    /** Reads {@code file}, failing with the file, the line number and what is wrong. */
    public static LabelsCsv read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new VideoException("labels file " + file + " does not exist");
        } catch (MalformedInputException e) {
            throw new VideoException("labels file " + file + " is not UTF-8 text");
        } catch (IOException e) {
            throw new VideoException("cannot read labels file " + file + ": " + e.getMessage(), e);
        }
        return parse(lines, file.toString());
    }

    /** Parses CSV lines; {@code origin} names them in messages. */
    public static LabelsCsv parse(List<String> lines, String origin) {
        Map<Long, String> out = new TreeMap<>();
        boolean first = true;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (i == 0 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int lineNo = i + 1;
            int comma = line.indexOf(',');
            if (comma < 0) {
                throw bad(origin, lineNo, "expected 'seq,label', got '" + abbreviate(line) + "'");
            }
            String seqText = line.substring(0, comma).strip();
            String labelText = line.substring(comma + 1).strip();
            if (first && !seqText.matches("\\d+")) {
                first = false;
                if (seqText.equalsIgnoreCase("seq") || seqText.equalsIgnoreCase("frame")) {
                    continue; // a header line
                }
            }
            first = false;
            long seq;
            try {
                seq = Long.parseLong(seqText);
            } catch (NumberFormatException e) {
                throw bad(origin, lineNo, "'" + abbreviate(seqText) + "' is not a frame number (a decimal integer >= 0)");
            }
            if (seq < 0) {
                throw bad(origin, lineNo, "frame number " + seq + " is negative");
            }
            String label = unquote(labelText, origin, lineNo);
            if (label.isBlank()) {
                throw bad(origin, lineNo, "frame " + seq + " has an empty label");
            }
            if (label.getBytes(StandardCharsets.UTF_8).length > MAX_LABEL_BYTES) {
                throw bad(origin, lineNo, "the label of frame " + seq + " is over " + MAX_LABEL_BYTES + " UTF-8 bytes");
            }
            if (out.putIfAbsent(seq, label) != null) {
                throw bad(origin, lineNo, "frame " + seq + " is labelled twice");
            }
        }
        return new LabelsCsv(out);
    }

    /** The label of the frame with this index in the file, if the CSV gives one. */
    public Optional<String> label(long index) {
        return Optional.ofNullable(labels.get(index));
    }

    public int size() {
        return labels.size();
    }

    private static String unquote(String s, String origin, int lineNo) {
        if (!s.startsWith("\"")) {
            return s;
        }
        if (s.length() < 2 || !s.endsWith("\"")) {
            throw bad(origin, lineNo, "a quoted label must end with a quote");
        }
        String inner = s.substring(1, s.length() - 1);
        if (inner.replace("\"\"", "").contains("\"")) {
            throw bad(origin, lineNo, "a quote inside a quoted label must be doubled (\"\")");
        }
        return inner.replace("\"\"", "\"").strip();
    }

    private static VideoException bad(String origin, int line, String what) {
        return new VideoException("labels file " + origin + ", line " + line + ": " + what);
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
