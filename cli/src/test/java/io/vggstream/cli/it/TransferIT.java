package io.vggstream.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vggstream.cli.Main;
import io.vggstream.topics.card.ModelCard;
import io.vggstream.trainer.data.FashionMnist;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vggstream transfer} end to end at the smallest size, on real parts (DJL training with
 * {@code --classes 0-4}, fit-head with LIBLINEAR, ONNX Runtime through the engine): the table has a
 * row judged over both seeds, the base net knows classes 0-4 only, and a rerun in the same folder
 * reuses the nets and gives the same table.
 */
class TransferIT {

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    private static Run transfer(Path out, Path doc) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        int code = Main.commandLine().setOut(new PrintWriter(o, true)).setErr(new PrintWriter(e, true)).execute("transfer", "--out",
            out.toString(), "--doc", doc.toString(), "--seeds", "2", "--per-class", "5", "--val-per-class", "10", "--base-images", "300",
            "--base-epochs", "1", "--scratch-images-seen", "50", "--width", "0.0625", "--fc", "16", "--protocol", "single");
        return new Run(code, o.toString(), e.toString());
    }

    /** The table's rows, without the wall time and load lines (which differ run to run). */
    private static List<String> rows(String md) {
        return md.lines().filter(l -> l.startsWith("| 5 |")).toList();
    }

    @Test
    void shouldJudgeEachSizeOverTheSeedsAndRepeatItsTableWhenRerun() throws Exception {
        Path out = dir.resolve("run");
        Path doc = dir.resolve("transfer.md");

        Run first = transfer(out, doc);

        assertThat(first.code()).as(first.err()).isZero();
        String md = Files.readString(doc);
        assertThat(md).contains("| images per class | head on A's features | A from scratch, same images |");
        assertThat(rows(md)).singleElement().asString().matches(
            "\\| 5 \\| [0-9.]+ \\([0-9.]+, [0-9.]+\\) \\| [0-9.]+ \\([0-9.]+, [0-9.]+\\) \\| .*\\| (reproduced|within noise|not reproduced) \\|");
        assertThat(ModelCard.read(out.resolve("base-A-seed1/model.json")).classes())
            .containsExactlyElementsOf(FashionMnist.CLASSES.subList(0, 5));
        ModelCard head = ModelCard.read(out.resolve("head-seed1-n5/model.json"));
        assertThat(head.classes()).containsExactly("Ankle-boot", "Bag", "Sandal", "Shirt", "Sneaker");
        assertThat(head.head().trainImages()).isEqualTo(25);
        assertThat(head.accuracy().images()).isEqualTo(50);

        Run again = transfer(out, doc);

        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.err()).doesNotContain("training base A");
        assertThat(rows(Files.readString(doc))).isEqualTo(rows(md));
    }
}
