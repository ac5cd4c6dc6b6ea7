package io.vggstream.engine.eval;

import com.typesafe.config.Config;
import io.vggstream.engine.api.Classification;
import io.vggstream.engine.kafka.OutputRecords;
import io.vggstream.engine.runtime.Engine;
import io.vggstream.engine.settings.EngineSettings;
import io.vggstream.topics.TopicsSettings;
import io.vggstream.topics.frame.Frame;
import io.vggstream.topics.frame.StreamFrame;
import io.vggstream.topics.prediction.Prediction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The job behind {@code vggstream classify}: image files through the engine, no Kafka, one answer
 * per file in the order given. An answer is the predictions topic's record ({@link Prediction}),
 * made by the same code as the Kafka path's, with the file in place of the record: {@code stream}
 * and {@code source.topic} are the file as given, {@code seq} its position among the files (from
 * 0), {@code ts} its modification time, {@code source.partition} and {@code source.offset} 0.
 */
public final class Classify {

    private Classify() {
    }

    /**
     * @param settings the engine's settings (models, protocol, devices, top-k)
     * @param config the whole configuration (the topics block names the predictions topic in messages)
     * @param images the files, in the order their answers come
     * @param timeout the longest wait for one file's answer
     */
    public record Options(EngineSettings settings, Config config, List<Path> images, Duration timeout) {
        public Options {
            Objects.requireNonNull(settings, "settings");
            Objects.requireNonNull(config, "config");
            images = List.copyOf(images);
            Objects.requireNonNull(timeout, "timeout");
        }
    }

    /** What the job tells as it goes. */
    public sealed interface Event {
        /** The engine is up: what serves, before the first answer. */
        record Started(List<String> models, String protocol, List<Integer> scales) implements Event {
        }

        /**
         * A file's prediction.
         *
         * @param feature the first model's feature output averaged over the protocol's dense variants (what
         *     {@code include-features} gives), or null when features were not asked for
         */
        record Classified(Path image, Prediction prediction, float[] feature) implements Event {
            public Classified(Path image, Prediction prediction) {
                this(image, prediction, null);
            }
        }

        /**
         * A file with no prediction.
         *
         * @param code the dead-letter error kind's code ({@code decode}, {@code too-small}, ...), or {@code read} when
         *     the file cannot be read, {@code timeout} when no answer came in time
         */
        record NotClassified(Path image, String reason, String code) implements Event {
        }
    }

    /** How many files were classified and how many were not. */
    public record Result(int classified, int notClassified) {
    }

    /**
     * Starts the engine, classifies every file, stops the engine.
     *
     * @param events told of the start and of each file's answer, in order, on the caller's thread
     */
    public static Result run(Options options, Consumer<Event> events) throws InterruptedException {
        int ok = 0;
        int not = 0;
        TopicsSettings topics = TopicsSettings.from(options.config());
        try (Engine engine = Engine.start(options.settings(), options.config())) {
            events.accept(new Event.Started(engine.models().stream().map(m -> m.name()).toList(), engine.protocol().toString(),
                engine.scales()));
            OutputRecords records = new OutputRecords(topics, engine.served());
            for (int i = 0; i < options.images().size(); i++) {
                Path image = options.images().get(i);
                byte[] bytes;
                long ts;
                try {
                    bytes = Files.readAllBytes(image);
                    ts = Math.max(0, Files.getLastModifiedTime(image).toMillis());
                } catch (IOException e) {
                    events.accept(new Event.NotClassified(image, "cannot read: " + e.getMessage(), "read"));
                    not++;
                    continue;
                }
                long t0 = System.nanoTime();
                Classification answer;
                try {
                    answer = engine.classify(bytes).toCompletableFuture().get(options.timeout().toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    events.accept(new Event.NotClassified(image, "no answer within " + options.timeout(), "timeout"));
                    not++;
                    continue;
                } catch (ExecutionException e) {
                    events.accept(new Event.NotClassified(image, String.valueOf(e.getCause()), "inference"));
                    not++;
                    continue;
                }
                if (answer instanceof Classification.Ok c) {
                    StreamFrame frame = new StreamFrame(image.toString(), Frame.of(i, ts, bytes), image.toString(), 0, 0);
                    events.accept(new Event.Classified(image, records.prediction(frame, c, t0), c.feature()));
                    ok++;
                } else {
                    Classification.NotClassified f = (Classification.NotClassified) answer;
                    events.accept(new Event.NotClassified(image, f.reason(), f.kind().code()));
                    not++;
                }
            }
        }
        return new Result(ok, not);
    }
}
