package io.vggstream.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.status.Status;
import java.net.URL;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --log-format text|json}: which of {@code logback.xml}'s two appenders every logger writes
 * to. {@code logback.xml} picks it from {@code VGGSTREAM_LOG_FORMAT} (system property, then
 * environment) when logback starts; the flag sets that property, and when logback has already
 * started (a logger was made before the flag was read) configures it again from the same file.
 */
public final class LogFormat {

    /** The name logback.xml reads: a system property or an environment variable. */
    public static final String PROPERTY = "VGGSTREAM_LOG_FORMAT";

    /** The formats, named as logback.xml's appenders. */
    public enum Format {
        text, json
    }

    private LogFormat() {
    }

    /**
     * The value of {@code --log-format} in {@code args} ({@code --log-format X} or {@code --log-format=X},
     * before a {@code --}), when it names a format; a bad value is left for picocli to report.
     */
    static Optional<Format> fromArgs(String... args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String value = null;
            if (a.equals("--")) {
                break;
            } else if (a.equals("--log-format") && i + 1 < args.length) {
                value = args[i + 1];
            } else if (a.startsWith("--log-format=")) {
                value = a.substring("--log-format=".length());
            }
            if (value != null) {
                try {
                    return Optional.of(Format.valueOf(value.toLowerCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /** Makes every logger write in {@code format} from now on. */
    public static void apply(Format format) {
        System.setProperty(PROPERTY, format.name());
        // Starts logback if nothing has yet: it then reads the property just set, and the check below holds.
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext context)) {
            return;
        }
        if (started(context, format)) {
            return;
        }
        URL config = LogFormat.class.getResource("/logback.xml");
        if (config == null) {
            return;
        }
        long since = System.currentTimeMillis();
        context.reset();
        JoranConfigurator joran = new JoranConfigurator();
        joran.setContext(context);
        try {
            joran.doConfigure(config);
        } catch (JoranException e) {
            throw new IllegalStateException("cannot configure logging from " + config + ": " + e.getMessage(), e);
        }
        // logback.xml silences logback's own status: a missing encoder class (json needs logstash-logback-encoder on
        // the classpath) would otherwise leave every log line unwritten, without a word.
        if (!started(context, format)) {
            String errors = context.getStatusManager().getCopyOfStatusList().stream()
                .filter(st -> st.getLevel() == Status.ERROR && st.getTimestamp() >= since)
                .map(st -> st.getMessage() + (st.getThrowable() == null ? "" : " (" + st.getThrowable() + ")"))
                .collect(Collectors.joining("; "));
            throw new IllegalStateException("cannot write " + format + " logs: the appender " + format + " of " + config
                + " did not start" + (errors.isEmpty() ? "" : ": " + errors));
        }
    }

    private static boolean started(LoggerContext context, Format format) {
        Appender<?> appender = context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(format.name());
        return appender != null && appender.isStarted();
    }
}
