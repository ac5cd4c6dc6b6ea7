package io.vggstream.cli.video;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Exit codes and messages of the commands on bad usage (2) and unreadable sources (1); no broker is reached. */
class CommandsTest {

    /** A broker address nothing listens on: these runs must fail before they would need one. */
    private static final String NOWHERE = "127.0.0.1:1";

    record Run(int code, String out, String err) {
    }

    static Run run(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(command);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void shouldExitTwoNamingTheFlagWhenAPublishFlagIsOutOfRange() {
        Run r = run(new PublishCommand(), "-b", NOWHERE, "--quality", "200", "clip.mp4");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("--quality (vggstream.video.publish.jpeg-quality) must be 1 to 100, got 200");

        assertThat(run(new PublishCommand(), "-b", NOWHERE, "--resize", "640x", "clip.mp4").err()).startsWith("--resize must be WIDTHxHEIGHT");
        assertThat(run(new PublishCommand(), "-b", NOWHERE, "--resize", "64x48", "--max-side", "32", "clip.mp4").err())
            .startsWith("--resize and --max-side cannot be used together");
        assertThat(run(new PublishCommand(), "-b", NOWHERE, "--fps", "0", "clip.mp4").err()).startsWith("--fps must be more than 0");
        assertThat(run(new PublishCommand(), "-b", NOWHERE, "--loop", "camera:0").err()).startsWith("--loop applies to video files");
        Run unknown = run(new PublishCommand(), "--frobnicate", "clip.mp4");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unknown option: '--frobnicate'");
    }

    @Test
    void shouldExitOneNamingTheSourceWhenItCannotBeRead(@TempDir Path dir) throws Exception {
        Run missing = run(new PublishCommand(), "-b", NOWHERE, dir.resolve("gone.mp4").toString());
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("publish: video file " + dir.resolve("gone.mp4") + " does not exist" + System.lineSeparator());

        Run camera = run(new PublishCommand(), "-b", NOWHERE, "/dev/video97");
        assertThat(camera.code()).isEqualTo(1);
        assertThat(camera.err()).startsWith("publish: camera /dev/video97 does not exist (");

        Path empty = Files.createDirectory(dir.resolve("empty"));
        Files.writeString(empty.resolve("readme.txt"), "no images here");
        Run folder = run(new PublishCommand(), "-b", NOWHERE, empty.toString());
        assertThat(folder.code()).isEqualTo(1);
        assertThat(folder.err()).startsWith("publish: image folder " + empty + " holds no images");

        Path text = Files.writeString(dir.resolve("notes.mkv"), "not a video");
        Run notVideo = run(new PublishCommand(), "-b", NOWHERE, text.toString());
        assertThat(notVideo.code()).isEqualTo(1);
        assertThat(notVideo.err()).startsWith("publish: cannot open video file " + text + ": Invalid data found when processing input");

        Run labels = run(new PublishCommand(), "-b", NOWHERE, "--labels", dir.resolve("none.csv").toString(), text.toString());
        assertThat(labels.code()).isEqualTo(1);
        assertThat(labels.err()).contains("labels file " + dir.resolve("none.csv") + " does not exist");
    }

    @Test
    void shouldExitTwoNamingTheFlagWhenAWatchOrAnnotateFlagIsBad() {
        Run duration = run(new WatchCommand(), "-b", NOWHERE, "--duration", "soon");
        assertThat(duration.code()).isEqualTo(2);
        assertThat(duration.err()).startsWith("--duration: 'soon' is not a duration");
        assertThat(run(new WatchCommand(), "-b", NOWHERE, "--limit", "0").err()).startsWith("--limit must be at least 1");

        Run out = run(new AnnotateCommand(), "-b", NOWHERE, "--stream", "cam-1", "--out", "cam-1.avi");
        assertThat(out.code()).isEqualTo(2);
        assertThat(out.err()).startsWith("--out must name an .mp4 file");
        assertThat(run(new AnnotateCommand(), "-b", NOWHERE, "--stream", "cam-1", "--out", "a.mp4", "--from", "yesterday").err())
            .startsWith("--from: 'yesterday' is not a time");
        assertThat(run(new AnnotateCommand(), "-b", NOWHERE, "--stream", "cam-1", "--out", "a.mp4", "--from", "-1m", "--to", "-2m").err())
            .startsWith("--to (");
        Run missing = run(new AnnotateCommand(), "--out", "a.mp4");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("Missing required option: '--stream=ID'");
    }

    @Test
    void shouldExitOneNamingTheBrokerWhenItDoesNotAnswer(@TempDir Path dir) throws Exception {
        Path conf = Files.writeString(dir.resolve("fast.conf"), "vggstream.video.kafka-timeout = 1 s\n");
        Run r = run(new WatchCommand(), "-b", NOWHERE, "--config", conf.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("watch: Kafka at 127.0.0.1:1 did not answer within 1 s");
    }

    @Test
    void shouldExitTwoNamingTheKeyWhenTheSettingsFileHasAnUnknownOne(@TempDir Path dir) throws Exception {
        Path conf = Files.writeString(dir.resolve("typo.conf"), "vggstream.video.publish.jpeg-qualty = 80\n");
        Run r = run(new PublishCommand(), "-b", NOWHERE, "--config", conf.toString(), "clip.mp4");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("vggstream.video.publish.jpeg-qualty");
    }
}
