package io.vggstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MainTest {

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void shouldPrintHelpOnEveryLevelWithExitZero() {
        for (String[] args : new String[][] {{"--help"}, {"kafka", "--help"}, {"kafka", "start", "--help"},
            {"kafka", "status", "--help"}, {"kafka", "stop", "--help"}, {"topics", "--help"},
            {"topics", "create", "--help"}, {"topics", "describe", "--help"}}) {
            Run r = run(args);
            assertThat(r.code()).as(String.join(" ", args)).isZero();
            assertThat(r.out()).as(String.join(" ", args)).startsWith("Usage: vggstream");
        }
    }

    @Test
    void shouldExitTwoWithoutASubcommand() {
        Run r = run();
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("Missing a subcommand");
        assertThat(run("kafka").code()).isEqualTo(2);
    }

    @Test
    void shouldExitTwoOnAnUnknownFlagNamingIt() {
        Run r = run("kafka", "start", "--prot", "9092");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--prot");
    }

    @Test
    void shouldExitTwoOnAPortThatIsNotANumber() {
        Run r = run("kafka", "start", "--port", "ninety");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--port").contains("ninety");
    }

    @Test
    void shouldExitTwoOnAnUnknownConfigKeyNamingIt(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("bad.conf");
        Files.writeString(conf, "vggstream.topics.max-frame-byte = 1 MiB\n");
        Run r = run("topics", "describe", "--config", conf.toString(), "-b", "127.0.0.1:1");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("vggstream.topics.max-frame-byte");
    }
}
