package io.vggstream.trainer.export;

import ai.djl.engine.Engine;
import io.vggstream.topics.card.ModelCard;
import io.vggstream.trainer.augment.TrainScale;
import io.vggstream.trainer.model.VggSpec;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the model card of an exported net. */
public final class ModelCards {

    private ModelCards() {}

    /** The card for {@code spec} trained with these statistics and recipe, given the weights' hash. */
    public static ModelCard card(VggSpec spec, List<String> classes, double[] meanRgb, TrainScale scale,
            ModelCard.Accuracy accuracy, Map<String, String> recipe, String weightsSha256) {
        if (classes.size() != spec.classes()) {
            throw new IllegalArgumentException(classes.size() + " class names for " + spec.classes() + " classes");
        }
        return new ModelCard(ModelCard.FORMAT, spec.config().label(), spec.width(), spec.fc(), classes,
                Arrays.stream(meanRgb).boxed().toList(), spec.crop(), new ModelCard.Scale(scale.min(), scale.max()),
                new ModelCard.Io(OnnxExporter.INPUT, OnnxExporter.POSTERIOR, OnnxExporter.FEATURE), accuracy, recipe,
                versions(), weightsSha256);
    }

    /** DJL, the engine, ONNX opset and IR version, the JVM. */
    public static Map<String, String> versions() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("djl", Engine.getDjlVersion());
        try {
            Engine engine = Engine.getInstance();
            v.put(engine.getEngineName().toLowerCase(java.util.Locale.ROOT), engine.getVersion());
        } catch (RuntimeException e) {
            v.put("engine", "unavailable");
        }
        v.put("onnx_opset", Integer.toString(OnnxExporter.OPSET));
        v.put("onnx_ir", Long.toString(OnnxExporter.IR_VERSION));
        v.put("java", System.getProperty("java.version"));
        return v;
    }
}
