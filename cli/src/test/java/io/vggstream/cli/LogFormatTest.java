package io.vggstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.ConsoleAppender;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
    void shouldWriteOneFlatJsonObjectALineWithTheEventsKeyValuesAsTypedFieldsWhenJsonIsAskedForOnASubcommand() throws Exception {
        // Logback is already running (this test's own configuration): the flag must reconfigure it.
        LoggerFactory.getLogger(LogFormatTest.class).info("before the flag");
        assertThat(execute("run", "--log-format", "json", "--help")).isZero();
        assertThat(rootAppender("json")).isInstanceOf(ConsoleAppender.class);

        String err = stderrOf(() -> LoggerFactory.getLogger("io.vggstream.test").atInfo()
            .addKeyValue("event", "partitions-assigned").addKeyValue("partitions", List.of("frames-0")).addKeyValue("load_ms", 12L)
            .addKeyValue("latency_ms", 12.5).addKeyValue("replacement", false)
            .log("partitions assigned: {}", "[frames-0]"));
        String line = err.strip();
        assertThat(line).startsWith("{").endsWith("}").doesNotContain("\n");
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.path("@timestamp").asText()).matches("\\d{4}-\\d{2}-\\d{2}T.*");
        assertThat(json.path("level").asText()).isEqualTo("INFO");
        assertThat(json.path("logger").asText()).isEqualTo("io.vggstream.test");
        assertThat(json.path("message").asText()).isEqualTo("partitions assigned: [frames-0]");
        // The key-values are top-level fields of their own types, not logback's kvpList of one-key objects of strings.
        assertThat(json.has("kvpList")).isFalse();
        assertThat(json.path("event").isTextual()).isTrue();
        assertThat(json.path("event").asText()).isEqualTo("partitions-assigned");
        assertThat(json.path("load_ms").isIntegralNumber()).as("load_ms: %s", json.path("load_ms")).isTrue();
        assertThat(json.path("load_ms").asLong()).isEqualTo(12L);
        assertThat(json.path("latency_ms").isFloatingPointNumber()).as("latency_ms: %s", json.path("latency_ms")).isTrue();
        assertThat(json.path("latency_ms").asDouble()).isEqualTo(12.5);
        assertThat(json.path("replacement").isBoolean()).isTrue();
        assertThat(json.path("partitions").isArray()).isTrue();
        assertThat(json.path("partitions").get(0).asText()).isEqualTo("frames-0");
    }

    @Test
    void shouldWriteAnExceptionsStackTraceAsOneField() throws Exception {
        assertThat(execute("--log-format", "json", "kafka", "--help")).isZero();
        String err = stderrOf(() -> LoggerFactory.getLogger("io.vggstream.test").atWarn().addKeyValue("event", "kafka-failing")
            .setCause(new IllegalStateException("no broker")).log("Kafka cannot be used"));
        JsonNode json = new ObjectMapper().readTree(err.strip());
        assertThat(json.path("level").asText()).isEqualTo("WARN");
        assertThat(json.path("stack_trace").asText()).contains("IllegalStateException: no broker");
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
