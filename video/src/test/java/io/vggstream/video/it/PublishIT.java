package io.vggstream.video.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vggstream.broker.junit.KafkaBrokerExtension;
import io.vggstream.broker.junit.LocalKafka;
import io.vggstream.topics.TopicsSettings;
import io.vggstream.topics.frame.Frame;
import io.vggstream.topics.frame.FrameDeserializer;
import io.vggstream.video.VideoException;
import io.vggstream.video.publish.PublishOptions;
import io.vggstream.video.publish.PublishResult;
import io.vggstream.video.publish.Publisher;
import io.vggstream.video.publish.Resize;
import io.vggstream.video.publish.Source;
import io.vggstream.video.testing.Media;
import io.vggstream.video.testing.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** publish against the real broker, with a real video file written by FFmpeg. */
@ExtendWith(KafkaBrokerExtension.class)
class PublishIT {

    private static final int FRAMES = 24;
    private static final int W = 160;
    private static final int H = 120;

    @TempDir
    static Path dir;
    static Path video;
    static Path labels;

    @BeforeAll
    static void writeVideo() throws Exception {
        video = dir.resolve("street scene.mp4");
        Media.writeVideo(video, FRAMES, W, H, 25, "libopenh264");
        // Every frame labelled but frame 5; class names and indices mixed, as the contract allows.
        List<String> lines = new ArrayList<>(List.of("seq,label"));
        IntStream.range(0, FRAMES).filter(i -> i != 5).forEach(i -> lines.add(i + "," + (i % 2 == 0 ? "Sneaker" : Integer.toString(i % 10))));
        labels = Files.write(dir.resolve("street scene.csv"), lines);
    }

    @Test
    void shouldPublishEveryFrameInOrderWithTheFilesSpacingAndCsvLabelsWhenPacedAtTheSourceRate(LocalKafka kafka) {
        TopicsSettings topics = Topics.create(kafka, 3);
        long before = System.currentTimeMillis();
        PublishResult r = new Publisher(PublishOptions.of(Source.parse(video.toString())).withLabels(labels), Topics.kafka(kafka), topics).run();
        long after = System.currentTimeMillis();

        assertThat(r.problem()).isEmpty();
        assertThat(r.frames()).isEqualTo(FRAMES);
        assertThat(r.stream()).isEqualTo("street-scene");
        // Paced at 25 fps: 23 intervals of 40 ms between the first frame and the last.
        assertThat(r.seconds()).isGreaterThanOrEqualTo(0.92);
        List<ConsumerRecord<String, Frame>> got = Topics.consume(kafka, topics.frames().name(), new StringDeserializer(),
            new FrameDeserializer(), FRAMES);
        assertThat(got).hasSize(FRAMES);
        assertThat(Topics.count(kafka, topics.frames().name())).isEqualTo(FRAMES);
        assertThat(got).extracting(ConsumerRecord::key).containsOnly("street-scene");
        assertThat(got).extracting(c -> c.value().seq()).containsExactlyElementsOf(IntStream.range(0, FRAMES).mapToObj(i -> (long) i).toList());
        long ts0 = got.get(0).value().ts();
        assertThat(ts0).isBetween(before, after);
        for (int i = 0; i < FRAMES; i++) {
            Frame f = got.get(i).value();
            assertThat(f.ts()).as("ts of frame %d", i).isEqualTo(ts0 + 40L * i);
            assertThat(got.get(i).timestamp()).isEqualTo(f.ts());
            assertThat(f.contentType()).contains("image/jpeg");
            assertThat(f.label()).isEqualTo(i == 5 ? java.util.Optional.empty()
                : java.util.Optional.of(i % 2 == 0 ? "Sneaker" : Integer.toString(i % 10)));
            assertThat(Media.decodedSize(f.image())).as("frame %d decodes", i).containsExactly(W, H);
        }
    }

    @Test
    void shouldResizeAndStopAtTheLimitWhenPublishingAsFastAsPossible(LocalKafka kafka) {
        TopicsSettings topics = Topics.create(kafka, 1);
        PublishResult r = new Publisher(PublishOptions.of(Source.parse(video.toString())).withStream("cam-9").withAsFastAsPossible(true)
            .withLimit(10).withResize(new Resize.MaxSide(80)).withQuality(60), Topics.kafka(kafka), topics).run();

        assertThat(r.frames()).isEqualTo(10);
        List<ConsumerRecord<String, Frame>> got = Topics.consume(kafka, topics.frames().name(), new StringDeserializer(),
            new FrameDeserializer(), 10);
        assertThat(got).extracting(ConsumerRecord::key).containsOnly("cam-9");
        assertThat(got).allSatisfy(c -> assertThat(Media.decodedSize(c.value().image())).containsExactly(80, 60));
        assertThat(got).allSatisfy(c -> assertThat(c.value().label()).isEmpty());
    }

    @Test
    void shouldLoopTheFileAndKeepLabellingByIndexInTheFileWhenLoopingPastItsEnd(LocalKafka kafka) {
        TopicsSettings topics = Topics.create(kafka, 1);
        PublishResult r = new Publisher(PublishOptions.of(Source.parse(video.toString())).withLoop(true).withLimit(FRAMES + 6)
            .withFps(500).withLabels(labels), Topics.kafka(kafka), topics).run();

        assertThat(r.frames()).isEqualTo(FRAMES + 6);
        List<ConsumerRecord<String, Frame>> got = Topics.consume(kafka, topics.frames().name(), new StringDeserializer(),
            new FrameDeserializer(), FRAMES + 6);
        assertThat(got).extracting(c -> c.value().seq()).containsExactlyElementsOf(
            IntStream.range(0, FRAMES + 6).mapToObj(i -> (long) i).toList());
        // Frame 24 is the file's frame 0 again; at --fps 500 frames are 2 ms apart.
        assertThat(got.get(FRAMES).value().label()).contains("Sneaker");
        assertThat(got.get(FRAMES + 5).value().label()).isEmpty();
        assertThat(got.get(FRAMES + 1).value().ts() - got.get(0).value().ts()).isEqualTo(2L * (FRAMES + 1));
    }

    @Test
    void shouldLabelFramesWithTheirSubfolderAndSkipUnreadableFilesWhenTheFolderHasClasses(LocalKafka kafka) throws Exception {
        Path folder = Files.createDirectories(dir.resolve("shoes"));
        for (String c : List.of("Sandal", "Sneaker")) {
            Path cls = Files.createDirectories(folder.resolve(c));
            for (int i = 0; i < 3; i++) {
                Media.writeImage(cls.resolve("img" + i + ".png"), 64, 48, i);
            }
        }
        Files.writeString(folder.resolve("Sneaker").resolve("broken.jpg"), "not an image");
        Files.writeString(folder.resolve("notes.txt"), "ignored: not an image extension");
        TopicsSettings topics = Topics.create(kafka, 1);

        PublishResult r = new Publisher(PublishOptions.of(Source.parse(folder.toString())).withAsFastAsPossible(true),
            Topics.kafka(kafka), topics).run();

        assertThat(r.frames()).isEqualTo(6);
        assertThat(r.skipped()).isEqualTo(1);
        assertThat(r.problem()).isEmpty();
        assertThat(r.stream()).isEqualTo("shoes");
        List<ConsumerRecord<String, Frame>> got = Topics.consume(kafka, topics.frames().name(), new StringDeserializer(),
            new FrameDeserializer(), 6);
        assertThat(got).extracting(c -> c.value().label().orElseThrow())
            .containsExactly("Sandal", "Sandal", "Sandal", "Sneaker", "Sneaker", "Sneaker");
        assertThat(got).allSatisfy(c -> assertThat(Media.decodedSize(c.value().image())).containsExactly(64, 48));
    }

    @Test
    void shouldPublishWhatWasReadAndSayItEndedEarlyWhenTheFileIsCutShort(LocalKafka kafka) throws Exception {
        Path whole = dir.resolve("whole.mkv");
        Media.writeVideo(whole, 100, W, H, 25, "mpeg4");
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = Files.write(dir.resolve("cut.mkv"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        TopicsSettings topics = Topics.create(kafka, 1);

        PublishResult r = new Publisher(PublishOptions.of(Source.parse(cut.toString())).withAsFastAsPossible(true), Topics.kafka(kafka),
            topics).run();

        assertThat(r.frames()).isBetween(30L, 70L);
        assertThat(r.failed()).isFalse();
        assertThat(r.problem()).hasValueSatisfying(p -> assertThat(p).isEqualTo(cut + " ended after " + r.frames()
            + " frames where its header announced about 100 (cut short or damaged?); published what was read"));
        assertThat(Topics.count(kafka, topics.frames().name())).isEqualTo(r.frames());
    }

    @Test
    void shouldFailNamingTheSourceWhenTheFileIsNotAVideo(LocalKafka kafka) throws Exception {
        Path text = Files.writeString(dir.resolve("notes.mp4"), "this is not a video");
        TopicsSettings topics = Topics.create(kafka, 1);

        assertThatThrownBy(() -> new Publisher(PublishOptions.of(Source.parse(text.toString())), Topics.kafka(kafka), topics).run())
            .isInstanceOf(VideoException.class).hasMessageStartingWith("cannot open video file " + text + ": Invalid data found");
        assertThat(Topics.count(kafka, topics.frames().name())).isZero();
    }
}
