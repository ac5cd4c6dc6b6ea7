package io.vggstream.cli.video;

import io.vggstream.cli.KafkaOptions;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import io.vggstream.video.Terminal;
import io.vggstream.video.VideoException;
import io.vggstream.video.publish.PublishOptions;
import io.vggstream.video.publish.PublishResult;
import io.vggstream.video.publish.Publisher;
import io.vggstream.video.publish.Resize;
import io.vggstream.video.publish.Source;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vggstream publish SOURCE}: a thin command over {@link Publisher}. */
@Command(name = "publish", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Publish a video file, a folder of images, a stream URL or a camera to the frames topic, one JPEG per"
        + " frame (key: the stream id; headers seq, ts, label, content-type). Files are paced at their own frame rate,"
        + " folders at vggstream.video.publish.folder-fps.",
    footer = {"", "Exit status: 0 when frames were published (a source that broke midway is reported), 1 when nothing"
        + " was (an unreadable source, an absent broker or topic), 2 on bad usage."})
public final class PublishCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SOURCE",
        description = "A video file, a folder of images (class subfolders give labels), a URL (rtsp://, http://, ...),"
            + " or a camera (/dev/videoN or camera:N).")
    String source;

    @Option(names = "--stream", paramLabel = "ID", description = "The stream id, every record's key (default: from the source's name).")
    String stream;

    @Option(names = "--topic", paramLabel = "NAME", description = "The frames topic (default: vggstream.topics.frames.name).")
    String topic;

    @Option(names = "--quality", paramLabel = "1-100", description = "JPEG quality (default: vggstream.video.publish.jpeg-quality, 90).")
    Integer quality;

    @Option(names = "--resize", paramLabel = "WxH", description = "Resize every frame to exactly this size.")
    String resize;

    @Option(names = "--max-side", paramLabel = "N", description = "Scale frames down so the longer side is at most N pixels.")
    Integer maxSide;

    @Option(names = "--fps", paramLabel = "N",
        description = "Frames per second: the pace of a file or folder, or a cap on a live source (default: the file's own rate).")
    Double fps;

    @Option(names = "--as-fast-as-possible", description = "No pacing; ts is the wall clock when the frame was read.")
    boolean asFastAsPossible;

    @Option(names = "--loop", description = "Start a file or folder over at its end (until --limit or Ctrl-C).")
    boolean loop;

    @Option(names = "--limit", paramLabel = "N", description = "Stop after N frames.")
    Long limit;

    @Option(names = "--labels", paramLabel = "FILE",
        description = "A CSV of 'seq,label' lines: ground truth by frame index in the file, sent as the label header.")
    Path labels;

    @Option(names = "--reconnect-attempts", paramLabel = "N",
        description = "Reopen a dropped stream or camera up to N times in a row (default: vggstream.video.publish.reconnect-attempts, 5).")
    Integer reconnectAttempts;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar (there is none anyway when stderr is not a terminal).")
    boolean quiet;

    @Mixin
    KafkaOptions kafkaOptions = new KafkaOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PublishOptions options = Commands.options(spec, this::options);
        KafkaSettings kafka = Commands.options(spec, kafkaOptions::kafka);
        TopicsSettings topics = Commands.options(spec, kafkaOptions::topics);
        Publisher publisher = new Publisher(options, kafka, topics);
        if (!quiet && Terminal.stderrIsTerminal()) {
            publisher.progressTo(System.err);
        }
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = Commands.onShutdown("publish", publisher::stop, done, 30);
        try {
            PublishResult r = publisher.run();
            out.println(r.summary());
            out.flush();
            r.problem().ifPresent(p -> err.println("publish: " + p));
            err.flush();
            return r.failed() ? 1 : 0;
        } catch (VideoException e) {
            err.println("publish: " + e.getMessage());
            err.flush();
            return 1;
        } finally {
            done.countDown();
            Commands.removeHook(hook);
        }
    }

    private PublishOptions options() {
        if (resize != null && maxSide != null) {
            throw new IllegalArgumentException("--resize and --max-side cannot be used together");
        }
        PublishOptions o = PublishOptions.from(kafkaOptions.config(), Source.parse(source));
        if (stream != null) {
            o = o.withStream(stream);
        }
        if (topic != null) {
            o = o.withTopic(topic);
        }
        if (quality != null) {
            o = o.withQuality(quality);
        }
        if (resize != null) {
            o = o.withResize(Resize.parse(resize));
        }
        if (maxSide != null) {
            o = o.withResize(new Resize.MaxSide(maxSide));
        }
        if (fps != null) {
            o = o.withFps(fps);
        }
        if (asFastAsPossible) {
            o = o.withAsFastAsPossible(true);
        }
        if (loop) {
            o = o.withLoop(true);
        }
        if (limit != null) {
            o = o.withLimit(limit);
        }
        if (labels != null) {
            o = o.withLabels(labels);
        }
        if (reconnectAttempts != null) {
            o = o.withReconnectAttempts(reconnectAttempts);
        }
        return o;
    }
}
