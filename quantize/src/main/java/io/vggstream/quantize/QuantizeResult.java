package io.vggstream.quantize;

import io.vggstream.engine.eval.Evaluation;
import io.vggstream.onnx.quant.ActivationRange;
import io.vggstream.topics.card.ModelCard;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What a {@code quantize} run wrote.
 *
 * @param card the int8 model's card
 * @param out its folder
 * @param images calibration images run (unreadable ones skipped)
 * @param ranges the activations' ranges, by tensor
 * @param fp32 the float32 model's row when the check ran
 * @param int8 the int8 model's row, measured the same way
 */
public record QuantizeResult(ModelCard card, Path out, int images, Map<String, ActivationRange> ranges,
        Optional<Evaluation.Row> fp32, Optional<Evaluation.Row> int8) {

    public QuantizeResult {
        ranges = Map.copyOf(ranges);
    }
}
