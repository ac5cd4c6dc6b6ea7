package io.vggstream.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import io.vggstream.cli.RenamedBootstrapFlag;
import io.vggstream.cli.SettingsFileFlags;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The flags renamed in 0.1, handled by two mixins ({@code SettingsFileFlags} in bench, bench soak and
 * train; {@code RenamedBootstrapFlag} in run, bench and bench soak) ({@code --config} is the settings file, {@code --arch} the VGG letter,
 * {@code --bootstrap-server} the broker): the new spellings work quietly, the old ones still work
 * for one release and say on stderr which flag to use.
 */
class RenamedFlagsTest {

    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();

    private <T> T parse(T command, String... args) {
        new CommandLine(command).setErr(new PrintWriter(err, true)).parseArgs(args);
        return command;
    }

    @Test
    void shouldTakeArchAndConfigFileQuietly() throws Exception {
        Path conf = Files.writeString(dir.resolve("bench.conf"), "");
        BenchCommand bench = parse(new BenchCommand(), "--arch", "E", "--config", conf.toString(), "-b", "h:1");

        assertThat(bench.modelFlags.arch).isEqualTo("E");
        assertThat(bench.settingsFile.file()).contains(conf);
        assertThat(bench.bootstrap).isEqualTo("h:1");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void shouldStillTakeTheVggLetterAfterConfigWithAWarningNamingArch() {
        BenchCommand bench = parse(new BenchCommand(), "--config", "A-LRN");

        assertThat(bench.modelFlags.arch).isEqualTo("A-LRN");
        assertThat(bench.settingsFile.file()).isEmpty();
        assertThat(err.toString()).contains("bench: warning: --config A-LRN (a VGG configuration) is deprecated")
            .contains("use --arch A-LRN");
    }

    @Test
    void shouldStillTakeSettingsAndBootstrapWithWarningsNamingTheNewFlags() {
        BenchCommand bench = parse(new BenchCommand(), "--settings", "x.conf", "--bootstrap", "h:2");

        assertThat(bench.settingsFile.file()).contains(Path.of("x.conf"));
        assertThat(bench.settingsFile.flag()).isEqualTo("--settings");
        assertThat(bench.bootstrap).isEqualTo("h:2");
        assertThat(err.toString()).contains("warning: --settings is deprecated").contains("use --config")
            .contains("warning: --bootstrap is deprecated").contains("use --bootstrap-server");
    }

    @Test
    void shouldTakeTheRenamedFlagsInBenchSoakToo() {
        SoakCommand soak = parse(new SoakCommand(), "--config", "C", "--settings", "s.conf", "--bootstrap", "h:3");

        assertThat(soak.modelFlags.arch).isEqualTo("C");
        assertThat(soak.settingsFile.file()).contains(Path.of("s.conf"));
        assertThat(soak.bootstrap).isEqualTo("h:3");
        assertThat(err.toString()).contains("use --arch C").contains("use --config").contains("use --bootstrap-server");
    }

    /** Any command with the two mixins: what bench, soak, train and run each get. */
    @CommandLine.Command(name = "any")
    static final class AnyCommand {
        String arch = "A";
        String bootstrap;

        @CommandLine.Mixin
        SettingsFileFlags settingsFile = new SettingsFileFlags(letter -> arch = letter);

        @CommandLine.Mixin
        RenamedBootstrapFlag oldBootstrap = new RenamedBootstrapFlag(servers -> bootstrap = servers);
    }

    @Test
    void shouldHandTheOldSpellingsToTheCommandThroughTheMixinsAndWarnInItsName() {
        AnyCommand any = parse(new AnyCommand(), "--config", "B", "--settings", "t.conf", "--bootstrap", "h:4");

        assertThat(any.arch).isEqualTo("B");
        assertThat(any.settingsFile.file()).contains(Path.of("t.conf"));
        assertThat(any.settingsFile.flag()).isEqualTo("--settings");
        assertThat(any.bootstrap).isEqualTo("h:4");
        assertThat(err.toString()).contains("any: warning: --config B (a VGG configuration) is deprecated").contains("use --arch B")
            .contains("any: warning: --settings is deprecated").contains("any: warning: --bootstrap is deprecated");
    }

    @Test
    void shouldTakeAFileAfterConfigQuietlyEvenWhenItIsNamedLikeALetter() throws Exception {
        Path d = Files.writeString(dir.resolve("D"), "");
        AnyCommand any = parse(new AnyCommand(), "--config", d.toString());

        assertThat(any.arch).isEqualTo("A");
        assertThat(any.settingsFile.file()).contains(d);
        assertThat(any.settingsFile.flag()).isEqualTo("--config");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void shouldCountASettingsFileAfterConfigAsNoModelFlagSoTheNamedWorkloadsStillRun() throws Exception {
        Path conf = Files.writeString(dir.resolve("tuned.conf"), "");
        BenchCommand file = new BenchCommand();
        CommandLine cl = new CommandLine(file).setErr(new PrintWriter(err, true));
        cl.parseArgs("--quick", "--workloads", "enrichment", "--config", conf.toString());

        assertThat(ModelFlags.anyGiven(cl)).isFalse();
        assertThat(file.settingsFile.gaveVggLetter()).isFalse();

        BenchCommand letter = parse(new BenchCommand(), "--config", "D");
        assertThat(letter.settingsFile.gaveVggLetter()).isTrue();
    }
}
