package io.vggstream.video.annotate;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A point in time as typed on a command line: {@code now}; epoch milliseconds
 * ({@code 1700000000000}); ISO-8601 with a zone or offset ({@code 2026-11-28T08:00:00Z}); a local
 * date-time in the machine's zone ({@code 2026-11-28T09:00:00} or {@code 2026-11-28 09:00}); or
 * a time ago ({@code -10m}, {@code -30s}, {@code -2h}, {@code -1d}).
 */
public final class TimeArg {

    private static final Pattern AGO = Pattern.compile("^-(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)$");

    private TimeArg() {
    }

    public static Instant parse(String flag, String text, Instant now, ZoneId zone) {
        String t = text == null ? "" : text.strip();
        if (t.equalsIgnoreCase("now")) {
            return now;
        }
        if (t.matches("\\d{1,15}")) {
            return Instant.ofEpochMilli(Long.parseLong(t));
        }
        Matcher ago = AGO.matcher(t.toLowerCase(Locale.ROOT));
        if (ago.matches()) {
            double n = Double.parseDouble(ago.group(1));
            long unitMs = switch (ago.group(2)) {
                case "ms" -> 1;
                case "s" -> 1000;
                case "m" -> 60_000;
                case "h" -> 3_600_000;
                default -> 86_400_000;
            };
            return now.minus(Duration.ofMillis(Math.round(n * unitMs)));
        }
        String iso = t.replace(' ', 'T');
        try {
            return OffsetDateTime.parse(iso).toInstant();
        } catch (DateTimeParseException e) {
            // not with an offset
        }
        try {
            return Instant.parse(iso);
        } catch (DateTimeParseException e) {
            // not an instant
        }
        try {
            String local = iso.matches(".*T\\d{2}:\\d{2}$") ? iso + ":00" : iso;
            return LocalDateTime.parse(local).atZone(zone).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(flag + ": '" + text + "' is not a time; use epoch milliseconds, ISO-8601"
                + " (2026-11-28T08:00:00Z, or local 2026-11-28T09:00), now, or a time ago (-10m, -30s, -2h)");
        }
    }
}
