package io.vggstream.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** {@code bench soak}'s flags are checked before anything starts, and a bad one is named. */
class SoakCommandTest {

    @ParameterizedTest
    @CsvSource({
        "--overload, 0",
        "--overload, -3",
        "--duration, 10 parsecs",
        "--duration, 0s",
        "--max-frame-age, 0s",
        "--capacity, 0",
        "--sample-interval, 10ms",
        "--max-slope, 0",
        "--batch-size, 0",
        "--partitions, 0",
        "--max-in-flight, 0",
        "--resolution, big",
        "--capacity-window, 0s",
    })
    void shouldRefuseABadFlagNamingItBeforeStarting(String flag, String value) {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new BenchCommand());
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(new StringWriter()));

        int code = cl.execute("soak", flag, value);

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).startsWith(flag + ":");
    }

    @ParameterizedTest
    @CsvSource({"--help", "-h"})
    void shouldDescribeItselfAsASubcommandOfBench(String help) {
        StringWriter out = new StringWriter();
        CommandLine cl = new CommandLine(new BenchCommand());
        cl.setOut(new PrintWriter(out));

        assertThat(cl.execute("soak", help)).isZero();
        assertThat(out.toString()).contains("bench soak", "--overload", "--duration", "--max-frame-age", "--capacity", "--max-slope");
    }
}
