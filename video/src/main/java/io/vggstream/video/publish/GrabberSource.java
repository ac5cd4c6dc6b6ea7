package io.vggstream.video.publish;

import io.vggstream.video.Ffmpeg;
import io.vggstream.video.VideoException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.bytedeco.ffmpeg.global.avdevice;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A video file, a network stream or a camera, read through JavaCV's {@link FFmpegFrameGrabber}
 * as BGR images. The grabber reuses its frame buffer, so an image is valid only until the next
 * read: the publisher encodes it before asking for another.
 */
final class GrabberSource implements FrameSource {

    private final Source source;
    private final Duration networkTimeout;
    private final Map<String, String> ffmpegOptions;
    private FFmpegFrameGrabber grabber;
    private OpenCVFrameConverter.ToMat converter;
    private boolean live;
    private long index;

    private GrabberSource(Source source, Duration networkTimeout, Map<String, String> ffmpegOptions) {
        this.source = source;
        this.networkTimeout = networkTimeout;
        this.ffmpegOptions = Map.copyOf(ffmpegOptions);
    }

    /**
     * Opens a file, URL or camera, failing with a {@link VideoException} that names the source
     * and says why (missing file, unsupported container or codec, refused connection, absent camera).
     */
    static GrabberSource open(Source source, Duration networkTimeout, Map<String, String> ffmpegOptions) {
        preflight(source);
        GrabberSource s = new GrabberSource(source, networkTimeout, ffmpegOptions);
        s.start();
        return s;
    }

    private static void preflight(Source source) {
        if (source instanceof Source.VideoFile f) {
            Path p = f.path();
            if (!Files.exists(p)) {
                throw new VideoException("video file " + p + " does not exist");
            }
            if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
                throw new VideoException("video file " + p + " is not a readable file");
            }
        } else if (source instanceof Source.Camera c) {
            if (!Files.exists(c.device())) {
                List<String> found = cameras();
                throw new VideoException("camera " + c.device() + " does not exist ("
                    + (found.isEmpty() ? "no cameras found at /dev/video*" : "cameras here: " + String.join(", ", found)) + ")");
            }
            try {
                Loader.load(avdevice.class);
                avdevice.avdevice_register_all();
            } catch (Throwable e) {
                throw new VideoException("camera " + c.device() + " needs FFmpeg's libavdevice, which did not load: "
                    + rootMessage(e) + " (on Debian or Ubuntu, apt-get install libpulse0 provides what it links to)", e);
            }
        } else if (!(source instanceof Source.Url)) {
            throw new IllegalArgumentException("not an FFmpeg source: " + source);
        }
    }

    private void start() {
        FFmpegFrameGrabber g = new FFmpegFrameGrabber(source.text());
        if (source instanceof Source.Camera) {
            g.setFormat("v4l2");
        }
        if (source instanceof Source.Url u) {
            String micros = Long.toString(networkTimeout.toNanos() / 1000);
            // Generic I/O timeout for every protocol, so a silent server cannot block a read forever.
            g.setOption("rw_timeout", micros);
            if (u.url().toLowerCase(Locale.ROOT).startsWith("rtsp")) {
                // RTSP's own socket timeout (the generic one does not cover its opening handshake).
                g.setOption("timeout", micros);
            }
        }
        ffmpegOptions.forEach(g::setOption);
        try {
            g.start();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            release(g);
            throw new VideoException("cannot open " + describe() + ": " + Ffmpeg.reason(e) + hint(), e);
        }
        if (!g.hasVideo()) {
            release(g);
            throw new VideoException(describe() + " has no video stream (" + g.getFormat() + " with audio only?)");
        }
        grabber = g;
        converter = new OpenCVFrameConverter.ToMat();
        // A stream without a length (RTSP, a camera, HLS live) runs in real time by itself;
        // a URL with a length is a remote file and is paced like a local one.
        live = source instanceof Source.Camera || (source instanceof Source.Url && g.getLengthInTime() <= 0);
        index = 0;
    }

    private String describe() {
        if (source instanceof Source.VideoFile) {
            return "video file " + source.text();
        }
        if (source instanceof Source.Camera) {
            return "camera " + source.text();
        }
        return "stream " + source.text();
    }

    private String hint() {
        if (source instanceof Source.VideoFile) {
            return " (is it a video in a container and codec FFmpeg reads: mp4, mkv, webm, avi, mov with H.264, VP9, AV1, MPEG-4, MJPEG ...?)";
        }
        if (source instanceof Source.Url) {
            return " (is the server up and the URL right?)";
        }
        return "";
    }

    @Override
    public Captured next() {
        while (true) {
            Frame f;
            try {
                f = grabber.grabImage();
            } catch (FrameGrabber.Exception | RuntimeException e) {
                throw new SourceReadException("reading " + describe() + " failed after " + index + " frames: " + Ffmpeg.reason(e), e);
            }
            if (f == null) {
                return null;
            }
            if (f.image == null) {
                continue;
            }
            Mat m = converter.convert(f);
            return new Captured(m, f.timestamp, index++, Optional.empty());
        }
    }

    @Override
    public void restart() {
        closeGrabber();
        start();
    }

    @Override
    public boolean live() {
        return live;
    }

    @Override
    public OptionalDouble frameRate() {
        double r = grabber.getFrameRate();
        return r > 0 && r <= 1000 ? OptionalDouble.of(r) : OptionalDouble.empty();
    }

    @Override
    public OptionalLong length() {
        int n = live ? 0 : grabber.getLengthInVideoFrames();
        return n > 0 ? OptionalLong.of(n) : OptionalLong.empty();
    }

    @Override
    public long skipped() {
        return 0;
    }

    @Override
    public void close() {
        closeGrabber();
    }

    private void closeGrabber() {
        if (converter != null) {
            converter.close();
            converter = null;
        }
        if (grabber != null) {
            release(grabber);
            grabber = null;
        }
    }

    private static void release(FFmpegFrameGrabber g) {
        try {
            g.close();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            // Closing after a failure: nothing more to do with this grabber.
        }
    }

    private static List<String> cameras() {
        try (Stream<Path> s = Files.list(Path.of("/dev"))) {
            return s.map(Path::toString).filter(n -> n.matches("/dev/video\\d+")).sorted().toList();
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }
}
