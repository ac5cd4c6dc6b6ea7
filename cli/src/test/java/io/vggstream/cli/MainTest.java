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
        java.util.List<java.util.List<String>> paths = new java.util.ArrayList<>();
        collect(Main.commandLine(), new java.util.ArrayList<>(), paths);
        assertThat(paths).extracting(p -> String.join(" ", p))
            .contains("kafka start", "kafka status", "kafka stop", "topics create", "topics describe", "run", "classify", "evaluate");
        for (java.util.List<String> path : paths) {
            java.util.List<String> args = new java.util.ArrayList<>(path);
            args.add("--help");
            Run r = run(args.toArray(String[]::new));
            assertThat(r.code()).as(String.join(" ", args)).isZero();
            assertThat(r.out()).as(String.join(" ", args)).startsWith("Usage: vggstream");
        }
    }

    @Test
    void shouldFormatEveryHelpTextWithoutAPicocliWarning() {
        // picocli formats descriptions with String.format: a bare '%' (as in "90% top-1") fails, and picocli warns on
        // stderr and shows the raw text, which a test of the printed help alone would not notice.
        java.util.List<String> warned = new java.util.ArrayList<>();
        java.io.PrintStream stderr = System.err;
        try {
            walk(Main.commandLine(), "vggstream", warned);
        } finally {
            System.setErr(stderr);
        }
        assertThat(warned).isEmpty();
    }

    private static void walk(CommandLine cl, String where, java.util.List<String> warned) {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        cl.getUsageMessage();
        String text = err.toString(java.nio.charset.StandardCharsets.UTF_8);
        if (text.contains("[picocli WARN]")) {
            warned.add(where + ": " + text.strip());
        }
        cl.getSubcommands().forEach((name, sub) -> {
            if (!name.equals("help")) {
                walk(sub, where + " " + name, warned);
            }
        });
    }

    /** Every command path of the launcher, the root's subcommands and theirs. */
    private static void collect(CommandLine cl, java.util.List<String> prefix, java.util.List<java.util.List<String>> out) {
        out.add(prefix);
        cl.getSubcommands().forEach((name, sub) -> {
            if (!name.equals("help")) {
                java.util.List<String> p = new java.util.ArrayList<>(prefix);
                p.add(name);
                collect(sub, p, out);
            }
        });
    }

    @Test
    void shouldOpenEveryCommandsDescriptionWithAWholeSentence() {
        // The top-level --help lists each command by its first description line alone.
        CommandLine root = Main.commandLine();
        java.util.List<String> cut = new java.util.ArrayList<>();
        collectFirstLines(root, "vggstream", cut);
        assertThat(cut).isEmpty();
    }

    private static void collectFirstLines(CommandLine cl, String where, java.util.List<String> cut) {
        cl.getSubcommands().forEach((name, sub) -> {
            if (name.equals("help")) {
                return;
            }
            String[] description = sub.getCommandSpec().usageMessage().description();
            String first = description.length == 0 ? "" : description[0].strip();
            long open = first.chars().filter(c -> c == '(').count();
            long close = first.chars().filter(c -> c == ')').count();
            if (!first.endsWith(".") || open != close || !Character.isUpperCase(first.codePointAt(0))) {
                cut.add(where + " " + name + ": " + first);
            }
            collectFirstLines(sub, where + " " + name, cut);
        });
    }

    @Test
    void shouldRefuseAnUnknownTrainerSettingNamingItThroughTheLauncher(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("trainer.conf");
        Files.writeString(conf, "vggstream.trainer.checkpoints.keep-evry = 2\n");
        Run r = run("train", "--data", "fashion-mnist", "--out", dir.resolve("run").toString(), "--config", conf.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("vggstream.trainer.checkpoints.keep-evry").doesNotContain("warning");
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
