package io.vggstream.cli.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code run}'s broker flag: {@code -b}/{@code --bootstrap-server}, and the old {@code --bootstrap} for one release. */
class RunCommandTest {

    private static RunCommand parse(StringWriter err, String... args) {
        RunCommand run = new RunCommand();
        new CommandLine(run).setErr(new PrintWriter(err, true)).parseArgs(args);
        return run;
    }

    @Test
    void shouldTakeTheBrokerQuietlyWithBootstrapServerOrB() {
        StringWriter err = new StringWriter();
        assertThat(parse(err, "--bootstrap-server", "h:1").bootstrap).isEqualTo("h:1");
        assertThat(parse(err, "-b", "h:2").bootstrap).isEqualTo("h:2");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void shouldStillTakeBootstrapWithAWarningNamingBootstrapServer() {
        StringWriter err = new StringWriter();
        assertThat(parse(err, "--bootstrap", "h:3").bootstrap).isEqualTo("h:3");
        assertThat(err.toString()).contains("run: warning: --bootstrap is deprecated").contains("use --bootstrap-server");
    }
}
