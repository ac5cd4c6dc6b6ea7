package io.vggstream.engine.eval;

import java.nio.file.Path;
import java.util.List;

/**
 * What an {@code evaluate} run found.
 *
 * @param rows one per model and protocol, then the ensemble's per protocol when there are several models
 * @param markdown the rows as the table the command prints
 * @param written the files written under {@link EvaluateOptions#out()} (markdown, then CSV); empty when none was asked for
 */
public record EvaluateResult(List<Evaluation.Row> rows, String markdown, List<Path> written) {

    public EvaluateResult {
        rows = List.copyOf(rows);
        written = List.copyOf(written);
    }
}
