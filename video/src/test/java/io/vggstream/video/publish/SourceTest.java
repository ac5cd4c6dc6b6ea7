package io.vggstream.video.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceTest {

    @Test
    void shouldTellTheKindOfSourceWhenParsingWhatWasTyped(@TempDir Path dir) throws Exception {
        Path folder = Files.createDirectory(dir.resolve("fashion mnist"));
        assertThat(Source.parse("rtsp://cam.local:554/live/main")).isEqualTo(new Source.Url("rtsp://cam.local:554/live/main"));
        assertThat(Source.parse("camera:2")).isEqualTo(new Source.Camera(Path.of("/dev/video2")));
        assertThat(Source.parse("/dev/video0")).isEqualTo(new Source.Camera(Path.of("/dev/video0")));
        assertThat(Source.parse(folder.toString())).isEqualTo(new Source.ImageFolder(folder));
        assertThat(Source.parse("clips/street.mp4")).isEqualTo(new Source.VideoFile(Path.of("clips/street.mp4")));
        assertThat(Source.parse(folder.toUri().toString())).isEqualTo(new Source.ImageFolder(folder));
        assertThatThrownBy(() -> Source.parse(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldDeriveALegalStreamIdWhenTheSourceNameHasOtherCharacters(@TempDir Path dir) throws Exception {
        assertThat(Source.parse("clips/street scene (2).mp4").defaultStreamId()).isEqualTo("street-scene-2");
        assertThat(Source.parse("rtsp://cam.local:554/live/main.sdp").defaultStreamId()).isEqualTo("main");
        assertThat(Source.parse("http://10.0.0.7:8080/").defaultStreamId()).isEqualTo("10.0.0.7");
        assertThat(Source.parse("camera:3").defaultStreamId()).isEqualTo("camera-3");
        assertThat(Source.parse(Files.createDirectory(dir.resolve("fashion mnist")).toString()).defaultStreamId()).isEqualTo("fashion-mnist");
        assertThat(Source.parse("???.mp4").defaultStreamId()).isEqualTo("stream");
    }

    @Test
    void shouldResizeExactlyOrDownToTheLongerSideWhenAsked() {
        assertThat(Resize.parse("640x480").target(1920, 1080)).containsExactly(640, 480);
        assertThat(new Resize.MaxSide(320).target(1920, 1080)).containsExactly(320, 180);
        assertThat(new Resize.MaxSide(320).target(200, 100)).containsExactly(200, 100);
        assertThat(new Resize.None().target(7, 9)).containsExactly(7, 9);
        assertThatThrownBy(() -> Resize.parse("640*480")).hasMessageStartingWith("--resize must be WIDTHxHEIGHT");
        assertThatThrownBy(() -> Resize.parse("0x480")).hasMessageStartingWith("--resize must be WxH with both sides 1 to 16384");
    }

    @Test
    void shouldDrawABarWhenTheTotalIsKnownAndCountsOtherwise() {
        assertThat(ProgressBar.line(60, java.util.OptionalLong.of(240), 3 * 1024 * 1024 + 400 * 1024, 2_400_000_000L))
            .isEqualTo("[######------------------]  25%  60/240 frames  25.0 fps  3.4 MB  0:02");
        assertThat(ProgressBar.line(5, java.util.OptionalLong.empty(), 900, 0)).isEqualTo("5 frames  0.0 fps  900 B  0:00");
        assertThat(ProgressBar.bytes(1536)).isEqualTo("1.5 KB");
    }
}
