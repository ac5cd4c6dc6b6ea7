package io.vggstream.cli.video;

import io.vggstream.cli.KafkaOptions;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import io.vggstream.video.VideoException;
import io.vggstream.video.annotate.AnnotateOptions;
import io.vggstream.video.annotate.AnnotateResult;
import io.vggstream.video.annotate.Annotator;
import io.vggstream.video.annotate.TimeArg;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vggstream annotate}: a thin command over {@link Annotator}. */
@Command(name = "annotate", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Write a stream's frames with their predictions drawn on them (top-5 with probabilities, stream, seq,"
        + " latency, ground truth) into an H.264 MP4 that any player opens. Reads both topics up to where they end now.")
public final class AnnotateCommand implements Callable<Integer> {

    @Option(names = "--stream", required = true, paramLabel = "ID", description = "The stream to annotate.")
    String stream;

    @Option(names = "--out", required = true, paramLabel = "FILE.mp4", description = "The video to write (replaced if it exists).")
    Path out;

    @Option(names = "--from", paramLabel = "TIME",
        description = "Earliest capture time: epoch ms, ISO-8601 (2026-11-28T08:00:00Z, or local 2026-11-28T09:00), or -10m (ago).")
    String from;

    @Option(names = "--to", paramLabel = "TIME", description = "Latest capture time, in the same forms (default: now).")
    String to;

    @Option(names = "--fps", paramLabel = "N", description = "The video's frame rate (default: from the frames' timestamps).")
    Double fps;

    @Option(names = "--codec", paramLabel = "NAME",
        description = "Encoder: h264 (libopenh264) or mpeg4, or any FFmpeg encoder name (default: vggstream.video.annotate.codecs).")
    String codec;

    @Option(names = "--limit", paramLabel = "N", description = "Write at most N frames.")
    Long limit;

    @Option(names = "--frames-topic", paramLabel = "NAME", description = "The frames topic (default: vggstream.topics.frames.name).")
    String framesTopic;

    @Option(names = "--predictions-topic", paramLabel = "NAME",
        description = "The predictions topic (default: vggstream.topics.predictions.name).")
    String predictionsTopic;

    @Mixin
    KafkaOptions kafkaOptions = new KafkaOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        AnnotateOptions options = Commands.options(spec, this::options);
        KafkaSettings kafka = Commands.options(spec, kafkaOptions::kafka);
        TopicsSettings topics = Commands.options(spec, kafkaOptions::topics);
        Annotator annotator = new Annotator(options, kafka, topics);
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = Commands.onShutdown("annotate", annotator::stop, done, 30);
        try {
            AnnotateResult r = annotator.run();
            r.fallback().ifPresent(f -> err.println("annotate: note: " + f));
            err.flush();
            o.println(r.summary());
            o.flush();
            return 0;
        } catch (VideoException e) {
            err.println("annotate: " + e.getMessage());
            err.flush();
            return 1;
        } finally {
            done.countDown();
            Commands.removeHook(hook);
        }
    }

    private AnnotateOptions options() {
        Instant now = Instant.now();
        ZoneId zone = ZoneId.systemDefault();
        AnnotateOptions a = AnnotateOptions.from(kafkaOptions.config(), stream, out)
            .withRange(Optional.ofNullable(from).map(t -> TimeArg.parse("--from", t, now, zone)),
                Optional.ofNullable(to).map(t -> TimeArg.parse("--to", t, now, zone)));
        if (fps != null) {
            a = a.withFps(fps);
        }
        if (codec != null) {
            a = a.withCodecs(List.of(switch (codec.strip().toLowerCase(java.util.Locale.ROOT)) {
                case "h264", "h.264", "avc", "openh264" -> "libopenh264";
                case "mpeg4", "mpeg-4" -> "mpeg4";
                default -> codec.strip();
            }));
        }
        if (limit != null) {
            a = a.withLimit(limit);
        }
        if (framesTopic != null || predictionsTopic != null) {
            a = a.withTopics(framesTopic, predictionsTopic);
        }
        return a;
    }
}
