package io.vggstream.video;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.ffmpeg.global.avutil;

/** FFmpeg's process-wide settings and the translation of its error codes into words. */
public final class Ffmpeg {

    private static final Map<String, Integer> LEVELS = Map.of(
        "quiet", avutil.AV_LOG_QUIET, "panic", avutil.AV_LOG_PANIC, "fatal", avutil.AV_LOG_FATAL,
        "error", avutil.AV_LOG_ERROR, "warning", avutil.AV_LOG_WARNING, "info", avutil.AV_LOG_INFO,
        "verbose", avutil.AV_LOG_VERBOSE, "debug", avutil.AV_LOG_DEBUG);

    private static final Pattern CODE = Pattern.compile("error (-?\\d+)");

    private Ffmpeg() {
    }

    /** Sets FFmpeg's own log level (it writes to stderr itself): quiet, panic, fatal, error, warning, info, verbose, debug. */
    public static void logLevel(String name) {
        Integer level = LEVELS.get(name.strip().toLowerCase(Locale.ROOT));
        if (level == null) {
            throw new IllegalArgumentException("vggstream.video.ffmpeg-log-level must be one of " + LEVELS.keySet() + ", got '" + name + "'");
        }
        avutil.av_log_set_level(level);
    }

    /** Checks a log level name without touching FFmpeg. */
    public static boolean isLogLevel(String name) {
        return LEVELS.containsKey(name.strip().toLowerCase(Locale.ROOT));
    }

    /**
     * What went wrong, in FFmpeg's words: JavaCV's messages carry the numeric error
     * ("avformat_open_input() error -111: ..."), which {@code av_strerror} turns into
     * "Connection refused". Falls back on the exception's own message.
     */
    public static String reason(Throwable e) {
        String msg = String.valueOf(e.getMessage());
        Matcher m = CODE.matcher(msg);
        if (m.find()) {
            try {
                int code = Integer.parseInt(m.group(1));
                byte[] buf = new byte[256];
                if (avutil.av_strerror(code, buf, buf.length) == 0) {
                    int n = 0;
                    while (n < buf.length && buf[n] != 0) {
                        n++;
                    }
                    return new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8);
                }
            } catch (NumberFormatException | UnsatisfiedLinkError ignored) {
                // keep the message as it is
            }
        }
        return msg;
    }
}
