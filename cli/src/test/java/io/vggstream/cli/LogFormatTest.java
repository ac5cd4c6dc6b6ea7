package io.vggstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.ConsoleAppender;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** {@code --log-format}: JSON lines after the flag, on the launcher or on a subcommand, even when logback had already started. */
class LogFormatTest {

    @AfterEach
    void backToText() {
        LogFormat.apply(LogFormat.Format.text);
        System.clearProperty(LogFormat.PROPERTY);
    }

    @Test
    void shouldFindTheFlagInEitherSpellingAndLeaveBadValuesToPicocli() {
        assertThat(LogFormat.fromArgs("--log-format", "json", "run")).contains(LogFormat.Format.json);
        assertThat(LogFormat.fromArgs("run", "--log-format=TEXT")).contains(LogFormat.Format.text);
        assertThat(LogFormat.fromArgs("run", "--log-format", "xml")).isEqualTo(Optional.empty());
        assertThat(LogFormat.fromArgs("run", "--", "--log-format", "json")).isEqualTo(Optional.empty());
        assertThat(LogFormat.fromArgs("run")).isEqualTo(Optional.empty());
    }

    @Test
    void shouldWriteOneJsonObjectALineWithTheEventsKeyValuesWhenJsonIsAskedForOnASubcommand() {
        // Logback is already running (this test's own configuration): the flag must reconfigure it.
        LoggerFactory.getLogger(LogFormatTest.class).info("before the flag");
        assertThat(execute("run", "--log-format", "json", "--help")).isZero();
        assertThat(rootAppender("json")).isInstanceOf(ConsoleAppender.class);

        String err = stderrOf(() -> LoggerFactory.getLogger("io.vggstream.test").atInfo()
            .addKeyValue("event", "partitions-assigned").addKeyValue("partitions", java.util.List.of("frames-0")).addKeyValue("load_ms", 12L)
            .log("partitions assigned: {}", "[frames-0]"));
        String line = err.strip();
        assertThat(line).startsWith("{").endsWith("}").doesNotContain("\n");
        assertThat(line).contains("\"level\":\"INFO\"").contains("\"loggerName\":\"io.vggstream.test\"")
            .contains("partitions assigned: [frames-0]").contains("\"event\":\"partitions-assigned\"")
            .contains("\"partitions\":\"[frames-0]\"").contains("\"load_ms\":\"12\"");
    }

    @Test
    void shouldGoBackToReadableLinesWithText() {
        assertThat(execute("--log-format", "json", "kafka", "--help")).isZero();
        assertThat(rootAppender("json")).isNotNull();
        assertThat(execute("--log-format", "text", "kafka", "--help")).isZero();
        assertThat(rootAppender("text")).isNotNull();
        assertThat(rootAppender("json")).isNull();
        String err = stderrOf(() -> LoggerFactory.getLogger("io.vggstream.test").info("a readable line"));
        assertThat(err).contains("INFO").contains("io.vggstream.test - a readable line").doesNotContain("{");
    }

    @Test
    void shouldRefuseAFormatItDoesNotKnowAsBadUsage() {
        assertThat(execute("--log-format", "xml", "kafka", "--help")).isEqualTo(2);
    }

    private static int execute(String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(new StringWriter()));
        cl.setErr(new PrintWriter(new StringWriter()));
        return cl.execute(args);
    }

    private static Object rootAppender(String name) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        return context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(name);
    }

    /** What logging writes to stderr while {@code r} runs (logback's console appender writes to the current System.err). */
    private static String stderrOf(Runnable r) {
        PrintStream saved = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setErr(saved);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
