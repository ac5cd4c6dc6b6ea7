package io.vggstream.cli.engine;

import io.vggstream.engine.eval.Classify;
import io.vggstream.engine.settings.EngineSettings;
import io.vggstream.topics.TopicsSettings;
import io.vggstream.topics.prediction.Prediction;
import io.vggstream.topics.prediction.PredictionSerializer;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vggstream classify IMAGE...}: the engine's answer for images on disk, no Kafka (the job is {@link Classify}). */
@Command(name = "classify", mixinStandardHelpOptions = true,
    description = {"Classify image files with the chosen protocol and print the top classes of each (no Kafka).",
        "With --json, one prediction record per image and line, in the predictions topic's JSON: stream and source.topic are"
            + " the file as given, seq its position among the files (from 0), ts its modification time."})
public final class ClassifyCommand implements Callable<Integer> {

    /** The longest wait for one image's answer. */
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    @Mixin
    EngineOptions options = new EngineOptions();

    @Option(names = "--json", description = "Print each image's prediction record as one line of JSON (the Kafka contract's), nothing else on stdout.")
    boolean json;

    @Option(names = "--descriptor", description = "With --json, add \"descriptor\": the first model's FC2 feature averaged over the"
        + " protocol's dense scales and flips, L2-normalised (fit-head's descriptor; the card's fc floats, 4096 for VGG-16), for a"
        + " nearest-neighbour index.")
    boolean descriptor;

    @Option(names = "--top", paramLabel = "K", description = "How many classes to give per image (default: vggstream.engine.top-k).")
    Integer top;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "JPEG, PNG, BMP or WebP files.")
    List<Path> images;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (top != null && top < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--top must be at least 1, was " + top);
        }
        if (descriptor && !json) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--descriptor goes with --json (it adds a field to each record)");
        }
        EngineSettings settings = options.settings();
        if (descriptor) {
            settings = settings.withIncludeFeatures(true);
        }
        if (top != null) {
            settings = settings.withTopK(top);
        }
        String topic = TopicsSettings.from(options.config()).predictions().name();
        PredictionSerializer serializer = new PredictionSerializer();
        Classify.Result result = Classify.run(new Classify.Options(settings, options.config(), images, TIMEOUT), event -> {
            if (event instanceof Classify.Event.Started s) {
                if (!json) {
                    out.printf("%s, protocol %s (Q %s)%n", String.join(" + ", s.models()), s.protocol(), s.scales());
                }
            } else if (event instanceof Classify.Event.Classified c) {
                if (json) {
                    String line = new String(serializer.serialize(topic, c.prediction()), StandardCharsets.UTF_8);
                    out.println(descriptor ? withDescriptor(line, c.feature()) : line);
                } else {
                    out.printf("%s%s%n", c.image(), c.prediction().partial() ? " (partial)" : "");
                    for (Prediction.Ranked r : c.prediction().top()) {
                        out.printf(Locale.ROOT, "  %6.2f%%  %s (%d)%n", 100 * r.p(), r.label(), r.index());
                    }
                }
                out.flush();
            } else if (event instanceof Classify.Event.NotClassified f) {
                err.printf("%s: %s (%s)%n", f.image(), f.reason(), f.code());
            }
        });
        return result.notClassified() == 0 ? 0 : 1;
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = new com.fasterxml.jackson.databind.ObjectMapper();

    /** The record with {@code descriptor}: the feature divided by max(its L2 norm, 1e-12), as fit-head makes it. */
    static String withDescriptor(String record, float[] feature) {
        if (feature == null) {
            throw new IllegalStateException("the engine gave no feature (does the model's graph have its card's io.feature output?)");
        }
        double sq = 0;
        for (float v : feature) {
            sq += (double) v * v;
        }
        float norm = Math.max((float) Math.sqrt(sq), 1e-12f);
        try {
            com.fasterxml.jackson.databind.node.ObjectNode node = (com.fasterxml.jackson.databind.node.ObjectNode) MAPPER.readTree(record);
            com.fasterxml.jackson.databind.node.ArrayNode d = node.putArray("descriptor");
            for (float v : feature) {
                d.add(v / norm);
            }
            return MAPPER.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot add the descriptor to the record: " + e.getOriginalMessage(), e);
        }
    }
}
