package io.vggstream.video.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vggstream.broker.junit.KafkaBrokerExtension;
import io.vggstream.broker.junit.LocalKafka;
import io.vggstream.topics.KafkaLimits;
import io.vggstream.topics.TopicsSettings;
import io.vggstream.topics.frame.Frame;
import io.vggstream.topics.frame.FrameRecords;
import io.vggstream.topics.frame.FrameSerializer;
import io.vggstream.topics.prediction.Prediction;
import io.vggstream.topics.prediction.PredictionSerializer;
import io.vggstream.video.VideoException;
import io.vggstream.video.annotate.AnnotateOptions;
import io.vggstream.video.annotate.AnnotateResult;
import io.vggstream.video.annotate.Annotator;
import io.vggstream.video.testing.Media;
import io.vggstream.video.testing.Predictions;
import io.vggstream.video.testing.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame.Type;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** annotate from frames and predictions on the real broker; the MP4 checked by reading it back with FFmpeg. */
@ExtendWith(KafkaBrokerExtension.class)
class AnnotateIT {

    /** Ten minutes ago, on a whole second: brokers refuse record timestamps far in the future. */
    private static final long T0 = System.currentTimeMillis() / 1000 * 1000 - 600_000;
    private static final int N = 30;

    @TempDir
    Path dir;

    /** 30 frames of cam-a 40 ms apart (all predicted but seq 7), and 4 frames of cam-b in between. */
    private static TopicsSettings produce(LocalKafka kafka) {
        TopicsSettings topics = Topics.create(kafka, 3);
        try (KafkaProducer<String, Frame> frames = new KafkaProducer<>(KafkaLimits.producer(Topics.kafka(kafka), topics),
                 new StringSerializer(), new FrameSerializer());
             KafkaProducer<String, Prediction> predictions = new KafkaProducer<>(KafkaLimits.producer(Topics.kafka(kafka), topics),
                 new StringSerializer(), new PredictionSerializer())) {
            for (int i = 0; i < N; i++) {
                long ts = T0 + 40L * i;
                frames.send(FrameRecords.record(topics.frames().name(), "cam-a", Frame.of(i, ts, Media.jpeg(160, 120, i))
                    .withContentType("image/jpeg").withLabel(i % 3 == 0 ? "Sneaker" : "7")));
                if (i % 8 == 0) {
                    frames.send(FrameRecords.record(topics.frames().name(), "cam-b", Frame.of(i / 8, ts, Media.jpeg(64, 48, i))));
                }
                if (i != 7) {
                    predictions.send(new ProducerRecord<>(topics.predictions().name(), "cam-a",
                        Predictions.of("cam-a", i, ts, 7, "Sneaker", 0.8, 35 + i, Optional.of(i % 3 == 0 ? "Sneaker" : "7"))));
                }
            }
            predictions.send(new ProducerRecord<>(topics.predictions().name(), "cam-b",
                Predictions.of("cam-b", 0, T0, 1, "Trouser", 0.6, 20, Optional.empty())));
        }
        return topics;
    }

    @Test
    void shouldWriteAnH264Mp4WithEveryFrameOfTheStreamWhenFramesHavePredictions(LocalKafka kafka) throws Exception {
        TopicsSettings topics = produce(kafka);
        Path out = dir.resolve("videos/cam-a.mp4");

        AnnotateResult r = new Annotator(AnnotateOptions.of("cam-a", out), Topics.kafka(kafka), topics).run();

        assertThat(r.frames()).isEqualTo(N);
        assertThat(r.predicted()).isEqualTo(N - 1);
        assertThat(r.codec()).isEqualTo("libopenh264");
        assertThat(r.fallback()).isEmpty();
        assertThat(r.fps()).isEqualTo(25.0);
        assertThat(List.of(r.width(), r.height())).containsExactly(480, 360);
        assertThat(Files.exists(dir.resolve("videos/cam-a.mp4.part"))).isFalse();
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(out.toFile()); OpenCVFrameConverter.ToMat conv = new OpenCVFrameConverter.ToMat()) {
            g.start();
            assertThat(g.getVideoCodecName()).isEqualTo("h264");
            assertThat(g.getFormat()).contains("mp4");
            assertThat(g.getImageWidth()).isEqualTo(480);
            assertThat(g.getImageHeight()).isEqualTo(360);
            assertThat(g.getFrameRate()).isEqualTo(25.0);
            assertThat(g.getLengthInVideoFrames()).isEqualTo(N);
            int frames = 0;
            org.bytedeco.javacv.Frame f;
            while ((f = g.grabImage()) != null) {
                if (frames == 0) {
                    // The panel darkens the top-left corner of a bright frame; the bottom-right stays bright.
                    Mat m = conv.convert(f);
                    assertThat(mean(m, new Rect(4, 4, 40, 40))).isLessThan(mean(m, new Rect(400, 300, 60, 40)) - 40);
                }
                assertThat(f.getTypes()).contains(Type.VIDEO);
                frames++;
            }
            assertThat(frames).isEqualTo(N);
        }
    }

    @Test
    void shouldFallBackToTheNextEncoderAndSaySoWhenThePreferredOneIsMissing(LocalKafka kafka) throws Exception {
        TopicsSettings topics = produce(kafka);
        Path out = dir.resolve("fallback.mp4");

        AnnotateResult r = new Annotator(AnnotateOptions.of("cam-a", out).withCodecs(List.of("no-such-encoder", "mpeg4")).withFps(10),
            Topics.kafka(kafka), topics).run();

        assertThat(r.codec()).isEqualTo("mpeg4");
        assertThat(r.fallback()).hasValueSatisfying(f -> assertThat(f)
            .isEqualTo("wrote mpeg4 instead of no-such-encoder (no-such-encoder: not in this FFmpeg build)"));
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(out.toFile())) {
            g.start();
            assertThat(g.getVideoCodecName()).isEqualTo("mpeg4");
            assertThat(g.getFrameRate()).isEqualTo(10.0);
            assertThat(g.getLengthInVideoFrames()).isEqualTo(N);
        }
    }

    @Test
    void shouldKeepOnlyTheFramesCapturedInTheRangeWhenFromAndToAreGiven(LocalKafka kafka) throws Exception {
        TopicsSettings topics = produce(kafka);
        Path out = dir.resolve("range.mp4");

        AnnotateResult r = new Annotator(AnnotateOptions.of("cam-a", out).withMinHeight(0)
            .withRange(Optional.of(Instant.ofEpochMilli(T0 + 400)), Optional.of(Instant.ofEpochMilli(T0 + 760))), Topics.kafka(kafka), topics)
            .run();

        assertThat(r.frames()).isEqualTo(10); // seq 10 to 19
        assertThat(r.predicted()).isEqualTo(10);
        assertThat(List.of(r.width(), r.height())).containsExactly(160, 120);
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(out.toFile())) {
            g.start();
            assertThat(g.getLengthInVideoFrames()).isEqualTo(10);
            assertThat(g.getImageWidth()).isEqualTo(160);
        }
    }

    @Test
    void shouldFailAndLeaveNoFileWhenTheStreamHasNoFrames(LocalKafka kafka) {
        TopicsSettings topics = produce(kafka);
        Path out = dir.resolve("none.mp4");

        assertThatThrownBy(() -> new Annotator(AnnotateOptions.of("cam-z", out), Topics.kafka(kafka), topics).run())
            .isInstanceOf(VideoException.class).hasMessageStartingWith("no frames of stream cam-z on topic " + topics.frames().name());
        assertThat(out).doesNotExist();
        assertThat(dir.resolve("none.mp4.part")).doesNotExist();
    }

    private static double mean(Mat m, Rect r) {
        try (Mat roi = new Mat(m, r); Scalar s = org.bytedeco.opencv.global.opencv_core.mean(roi)) {
            return (s.get(0) + s.get(1) + s.get(2)) / 3;
        }
    }
}
