package io.vggstream.onnx.imports;

import io.vggstream.topics.card.ModelCard;
import java.nio.file.Path;

/**
 * What an import wrote.
 *
 * @param onnx the dense graph, {@code OUT/model.onnx}
 * @param cardFile {@code OUT/model.json}
 * @param card the card written (also inside the ONNX file)
 * @param layout the layout used
 * @param layoutReason why: given on the command line, or what in the graph decided it
 * @param sourceBytes the source's size, with its external data
 * @param seconds wall time of the import
 */
public record ImportResult(Path onnx, Path cardFile, ModelCard card, Layout layout, String layoutReason,
        long sourceBytes, double seconds) {}
