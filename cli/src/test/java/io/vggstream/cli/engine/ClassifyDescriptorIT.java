package io.vggstream.cli.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vggstream.cli.Main;
import io.vggstream.engine.testing.Frames;
import io.vggstream.engine.testing.TestModels;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vggstream classify --json --descriptor} on a small real model: the record gains the L2-normalised descriptor. */
class ClassifyDescriptorIT {

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    private static Run launch(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void shouldAddAUnitLengthDescriptorOfTheCardsFcFloatsWhenAsked() throws Exception {
        try (TestModels.Exported model = TestModels.export(dir.resolve("model"))) {
            Path image = Files.write(dir.resolve("a.png"), Frames.png(48, 40, 1));
            Run r = launch("classify", "--model", model.dir().toString(), "--device", "cpu", "--protocol", "multi-scale", "--json",
                "--descriptor", image.toString());
            assertThat(r.code()).as(r.err()).isZero();
            JsonNode node = new ObjectMapper().readTree(r.out().lines().findFirst().orElseThrow());
            JsonNode d = node.get("descriptor");
            assertThat(d.size()).isEqualTo(model.card().fc());
            double sq = 0;
            for (JsonNode v : d) {
                sq += v.asDouble() * v.asDouble();
            }
            assertThat(sq).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-4));
            assertThat(node.get("top")).isNotNull();
        }
    }

    @Test
    void shouldExitTwoWhenTheDescriptorIsAskedWithoutJson() {
        Run r = launch("classify", "--model", dir.toString(), "--descriptor", dir.resolve("a.png").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--descriptor goes with --json");
    }
}
