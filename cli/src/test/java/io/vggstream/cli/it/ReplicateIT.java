package io.vggstream.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vggstream.cli.Main;
import io.vggstream.topics.card.ModelCard;
import io.vggstream.trainer.data.FashionMnist;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vggstream replicate --quick} end to end on real Fashion-MNIST: real training (DJL,
 * PyTorch), real ONNX export, real evaluation through the engine (ONNX Runtime); the document has
 * every table and all eight findings. Then determinism and resumability: one net's model and two
 * nets' evaluations are deleted and the same command is run again in the same folder; it keeps
 * everything else, retrains that net to the very same weights, and every number comes out the same.
 * Dense+crops, which replicate fuses from stored posteriors, is checked against evaluate's own.
 */
class ReplicateIT {

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    private static Run replicate(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 1];
        all[0] = "replicate";
        System.arraycopy(args, 0, all, 1, args.length);
        int code = Main.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(all);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void shouldWriteEveryTableAndFindingAndRepeatItsNumbersWhenRerun() throws Exception {
        assumeTrue(FashionMnist.isFashionMnistDir(FashionMnist.DEBIAN_DIR),
            "Fashion-MNIST is not installed: apt-get install dataset-fashion-mnist (.ci/run does)");
        Path run = dir.resolve("run");
        Path doc = dir.resolve("replication.md");

        Run first = replicate("--quick", "--out", run.toString(), "--doc", doc.toString());

        assertThat(first.code()).as(first.out() + first.err()).isZero();
        String md = Files.readString(doc);
        assertThat(md).contains("## The scale-down", "## Table 3: single test scale", "## Table 4: multi-scale test",
            "## Table 5: dense against multi-crop evaluation", "## Table 6: fusion of the two best models",
            "## The paper's eight findings", "## Summary", "| crop | 224 | 32 |", "| seeds | 1 | 1 (1) |");
        for (int i = 1; i <= 8; i++) {
            assertThat(md).contains("\n| " + i + " | ");
            assertThat(first.out()).containsPattern("finding " + i + ": (reproduced|within noise|not reproduced)");
        }
        assertThat(md).doesNotContain("not measured");
        List<String> results = Files.readAllLines(run.resolve("results.csv"));
        // 13 nets x (single, multi-scale); 6 jittered nets at Smin and Smax; crops and dense+crops for D, E jittered
        // and the two best; 3 fusions
        assertThat(results.size() - 1).isBetween(26 + 12 + 4 + 3, 26 + 12 + 8 + 3);
        assertThat(results).anyMatch(l -> l.startsWith("E/jitter,single@73,1,48,"));
        assertThat(md).contains("### Table 3, by test scale (not in the paper)");
        assertThat(results).anyMatch(l -> l.startsWith("B-5x5/fixed,single,1,48,"));
        assertThat(results).anyMatch(l -> l.contains(" + ") && l.contains(",dense+crops,1,48,"));
        // Dense+crops, computed from the stored dense and crops posteriors, is what the engine's own
        // dense+crops protocol gives (evaluate, on the same 48 images).
        StringWriter evalOut = new StringWriter();
        int evalCode = Main.commandLine().setOut(new PrintWriter(evalOut, true)).setErr(new PrintWriter(new StringWriter(), true))
            .execute("evaluate", "--data", "fashion-mnist", "--model", run.resolve("train/D-jitter-s1").toString(), "--protocol",
                "dense+crops", "--limit", "48", "--out", dir.resolve("evaluate").toString());
        assertThat(evalCode).as(evalOut.toString()).isZero();
        String[] engine = Files.readAllLines(dir.resolve("evaluate/evaluation.csv")).get(1).split(",");
        String ours = results.stream().filter(l -> l.startsWith("D/jitter,dense+crops,1,48,")).findFirst().orElseThrow();
        assertThat(ours).endsWith("," + engine[5] + "," + engine[6]);

        Path twin = run.resolve("train/B-5x5-fixed-s1");
        String weights = ModelCard.read(twin.resolve("model.json")).weightsSha256();

        // Forget one net (trained from scratch) and the evaluations of two: the rerun redoes only those.
        deleteTree(twin);
        deleteTree(run.resolve("eval/B-5x5-fixed-s1"));
        deleteTree(run.resolve("eval/E-jitter-s1"));
        Run again = replicate("--quick", "--out", run.toString(), "--doc", doc.toString());

        assertThat(again.code()).as(again.out() + again.err()).isZero();
        assertThat(again.out()).contains("train A/fixed        seed 1: done before, kept")
            .contains("train B-5x5/fixed    seed 1: " + twin).doesNotContain("train B-5x5/fixed    seed 1: done before")
            .contains("evaluate E/jitter       seed 1 with single").doesNotContain("evaluate A/fixed");
        assertThat(ModelCard.read(twin.resolve("model.json")).weightsSha256()).as("the same seed trains the same weights")
            .isEqualTo(weights);
        assertThat(Files.readAllLines(run.resolve("results.csv"))).as("every number the same").isEqualTo(results);
        assertThat(tables(Files.readString(doc))).isEqualTo(tables(md));

        // A different plan in the same folder is refused, naming the flag.
        Run other = replicate("--quick", "--epochs", "2", "--out", run.toString(), "--doc", doc.toString());
        assertThat(other.code()).isEqualTo(2);
        assertThat(other.err()).contains("--out").contains("another plan");
    }

    /** The document from Table 3 on: what the numbers say, without the times of the run. */
    private static String tables(String md) {
        return md.substring(md.indexOf("## Table 3"));
    }

    private static void deleteTree(Path p) throws Exception {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }
}
