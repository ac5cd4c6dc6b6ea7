package io.vggstream.cli.video;

import static org.assertj.core.api.Assertions.assertThat;

import io.vggstream.broker.junit.KafkaBrokerExtension;
import io.vggstream.broker.junit.LocalKafka;
import io.vggstream.topics.KafkaLimits;
import io.vggstream.topics.TopicsSettings;
import io.vggstream.topics.frame.Frame;
import io.vggstream.topics.frame.FrameDeserializer;
import io.vggstream.topics.prediction.Prediction;
import io.vggstream.topics.prediction.PredictionSerializer;
import io.vggstream.video.testing.Media;
import io.vggstream.video.testing.Predictions;
import io.vggstream.video.testing.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** publish, then (the test answering as the engine would) watch and annotate, all through their commands. */
@ExtendWith(KafkaBrokerExtension.class)
class CommandsIT {

    private static final int N = 20;

    record Run(int code, String out, String err) {
    }

    static Run run(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(command);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return new Run(cl.execute(args), out.toString(), err.toString());
    }

    @Test
    void shouldPublishWatchAndAnnotateAVideoWhenRunAsCommands(LocalKafka kafka, @TempDir Path dir) throws Exception {
        TopicsSettings topics = Topics.create(kafka, 2);
        Path video = dir.resolve("clip.mp4");
        Media.writeVideo(video, N, 96, 72, 25, "libopenh264");
        Path labels = Files.write(dir.resolve("clip.csv"), IntStream.range(0, N).mapToObj(i -> i + "," + (i % 4)).toList());
        String b = kafka.bootstrapServers();

        Run published = run(new PublishCommand(), "-b", b, "--topic", topics.frames().name(), "--labels", labels.toString(),
            "--as-fast-as-possible", video.toString());
        assertThat(published.code()).as(published.err()).isZero();
        assertThat(published.out()).startsWith("published " + N + " frames of stream clip to " + topics.frames().name() + " in ");

        // The engine's part: one prediction per frame, right when seq is even.
        List<ConsumerRecord<String, Frame>> frames = Topics.consume(kafka, topics.frames().name(), new StringDeserializer(),
            new FrameDeserializer(), N);
        try (KafkaProducer<String, Prediction> p = new KafkaProducer<>(KafkaLimits.producer(Topics.kafka(kafka), topics),
            new StringSerializer(), new PredictionSerializer())) {
            for (ConsumerRecord<String, Frame> r : frames) {
                Frame f = r.value();
                int truth = Integer.parseInt(f.label().orElseThrow());
                int top = f.seq() % 2 == 0 ? truth : truth + 1;
                p.send(new ProducerRecord<>(topics.predictions().name(), r.key(),
                    Predictions.of(r.key(), f.seq(), f.ts(), top, "class-" + top, 0.7, 30, f.label())));
            }
        }

        Run watched = run(new WatchCommand(), "-b", b, "--topic", topics.predictions().name(), "--from-beginning", "--limit",
            Integer.toString(N), "--plain");
        assertThat(watched.code()).as(watched.err()).isZero();
        assertThat(watched.out()).contains("clip seq=19 ", "accuracy=50.0% of 20")
            .contains("watched 20 predictions of 1 stream in ").contains("accuracy 50.0% (10 of 20 labelled)", "latency p50 30 ms, p99 30 ms");

        Path out = dir.resolve("clip-annotated.mp4");
        Run annotated = run(new AnnotateCommand(), "-b", b, "--frames-topic", topics.frames().name(), "--predictions-topic",
            topics.predictions().name(), "--stream", "clip", "--fps", "25", "--codec", "h264", "--out", out.toString());
        assertThat(annotated.code()).as(annotated.err()).isZero();
        assertThat(annotated.out()).startsWith("wrote " + out + ": 20 frames (20 with a prediction), 480x360 at 25 fps, H.264 (libopenh264)");
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(out.toFile())) {
            g.start();
            assertThat(g.getLengthInVideoFrames()).isEqualTo(N);
            assertThat(g.getVideoCodecName()).isEqualTo("h264");
        }

        Run none = run(new AnnotateCommand(), "-b", b, "--frames-topic", topics.frames().name(), "--predictions-topic",
            topics.predictions().name(), "--stream", "nobody", "--out", dir.resolve("nobody.mp4").toString());
        assertThat(none.code()).isEqualTo(1);
        assertThat(none.err()).startsWith("annotate: no frames of stream nobody on topic " + topics.frames().name());
    }
}
