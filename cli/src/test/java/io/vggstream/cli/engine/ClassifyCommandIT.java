package io.vggstream.cli.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.vggstream.cli.Main;
import io.vggstream.engine.testing.Frames;
import io.vggstream.engine.testing.TestModels;
import io.vggstream.topics.prediction.Prediction;
import io.vggstream.topics.prediction.PredictionDeserializer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vggstream classify} on a small real exported model: human output, and {@code --json} read back with the contract's serde. */
class ClassifyCommandIT {

    @TempDir
    static Path dir;

    private static TestModels.Exported model;
    private static Path a;
    private static Path b;

    @BeforeAll
    static void exportModelAndImages() throws Exception {
        model = TestModels.export(dir.resolve("model"));
        a = Files.write(dir.resolve("a.png"), Frames.png(48, 40, 1));
        b = Files.write(dir.resolve("b.jpg"), Frames.jpeg(40, 40, 2));
    }

    @AfterAll
    static void closeModel() {
        model.close();
    }

    record Run(int code, String out, String err) {
    }

    private static Run classify(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("classify", "--model", model.dir().toString(), "--device", "cpu"));
        all.addAll(List.of(args));
        int code = Main.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(all.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void shouldPrintOnePredictionRecordPerImageAndLineWithJson() throws Exception {
        Run r = classify("--json", "--top", "3", a.toString(), b.toString());
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(2);
        List<Prediction> read = new ArrayList<>();
        try (PredictionDeserializer serde = new PredictionDeserializer()) {
            for (String line : lines) {
                read.add(serde.deserialize("predictions", line.getBytes(StandardCharsets.UTF_8)));
            }
        }
        Path[] files = {a, b};
        for (int i = 0; i < 2; i++) {
            Prediction p = read.get(i);
            assertThat(p.stream()).isEqualTo(files[i].toString());
            assertThat(p.source().topic()).isEqualTo(files[i].toString());
            assertThat(p.seq()).isEqualTo(i);
            assertThat(p.ts()).isEqualTo(Files.getLastModifiedTime(files[i]).toMillis());
            assertThat(p.models()).containsExactly("model");
            assertThat(p.protocol().name()).isEqualTo("single");
            assertThat(p.top()).hasSize(3).allSatisfy(t -> assertThat(t.label()).isEqualTo(TestModels.NAMES.get(t.index())));
            assertThat(p.top().get(0).p()).isGreaterThanOrEqualTo(p.top().get(1).p());
        }
        // The human output for the same images names the same best class and probability.
        Run human = classify("--top", "3", a.toString());
        assertThat(human.code()).as(human.out() + human.err()).isZero();
        Prediction.Ranked best = read.get(0).top().get(0);
        assertThat(human.out()).startsWith("model, protocol single").contains(a.toString())
            .contains(String.format(java.util.Locale.ROOT, "  %6.2f%%  %s (%d)", 100 * best.p(), best.label(), best.index()));
        assertThat(human.out().lines().filter(l -> l.startsWith("  ")).count()).isEqualTo(3);
    }

    @Test
    void shouldSayWhyAnImageIsNotClassifiedOnStderrAndKeepStdoutJson() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.png"), "not an image");
        Run r = classify("--json", text.toString(), a.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("notes.png").contains("(decode)");
        assertThat(r.out().lines().toList()).hasSize(1).allSatisfy(l -> assertThat(l).startsWith("{").contains("\"seq\":1"));
    }
}
