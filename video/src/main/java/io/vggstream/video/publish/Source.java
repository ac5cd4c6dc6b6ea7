package io.vggstream.video.publish;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code publish} reads: a video file, a folder of images, a network stream, or a camera.
 * {@link #parse} decides from the text a person typed.
 */
public sealed interface Source {

    /** The text as given, for messages. */
    String text();

    /** A stream id derived from the source's name: letters, digits, '.', '_' and '-' only. */
    String defaultStreamId();

    /** A video file FFmpeg can demux (mp4, mkv, avi, webm, ...). */
    record VideoFile(Path path) implements Source {
        @Override
        public String text() {
            return path.toString();
        }

        @Override
        public String defaultStreamId() {
            return streamId(stripExtension(String.valueOf(path.getFileName())));
        }
    }

    /**
     * A folder of images. With class subfolders ({@code shoes/1.png}) it is labelled: each
     * frame's label is its subfolder's name.
     */
    record ImageFolder(Path path) implements Source {
        @Override
        public String text() {
            return path.toString();
        }

        @Override
        public String defaultStreamId() {
            Path name = path.toAbsolutePath().normalize().getFileName();
            return streamId(name == null ? "images" : name.toString());
        }
    }

    /** A network stream FFmpeg opens: rtsp, rtmp, http(s), udp, srt, ... */
    record Url(String url) implements Source {
        @Override
        public String text() {
            return url;
        }

        @Override
        public String defaultStreamId() {
            try {
                URI u = URI.create(url);
                String p = u.getPath();
                if (p != null) {
                    String last = p.replaceAll("/+$", "");
                    last = last.substring(last.lastIndexOf('/') + 1);
                    if (!last.isBlank()) {
                        return streamId(stripExtension(last));
                    }
                }
                if (u.getHost() != null) {
                    return streamId(u.getHost());
                }
            } catch (IllegalArgumentException e) {
                // not a parseable URI: derive from the text
            }
            return streamId(url);
        }
    }

    /** A V4L2 camera, {@code /dev/videoN}. */
    record Camera(Path device) implements Source {
        @Override
        public String text() {
            return device.toString();
        }

        @Override
        public String defaultStreamId() {
            Matcher m = Pattern.compile("video(\\d+)$").matcher(device.toString());
            return m.find() ? "camera-" + m.group(1) : streamId(String.valueOf(device.getFileName()));
        }
    }

    Pattern URL = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*://.+");
    Pattern CAMERA_INDEX = Pattern.compile("^camera:(\\d+)$");

    /**
     * Reads a source argument: {@code scheme://...} is a URL, {@code camera:N} or
     * {@code /dev/videoN} a camera, an existing folder a folder of images, anything else a
     * video file (whose existence is checked when it is opened, so the message can say more).
     */
    static Source parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("SOURCE must be a video file, a folder of images, a URL or a camera, got nothing");
        }
        String t = text.strip();
        Matcher cam = CAMERA_INDEX.matcher(t);
        if (cam.matches()) {
            return new Camera(Path.of("/dev/video" + Integer.parseInt(cam.group(1))));
        }
        if (t.matches("^/dev/video\\d+$")) {
            return new Camera(Path.of(t));
        }
        if (t.startsWith("file://")) {
            return local(Path.of(URI.create(t)));
        }
        if (URL.matcher(t).matches()) {
            return new Url(t);
        }
        return local(Path.of(t));
    }

    private static Source local(Path p) {
        return Files.isDirectory(p) ? new ImageFolder(p) : new VideoFile(p);
    }

    /** {@code name} made a legal stream id: other characters become '-', at most 255 bytes, never empty. */
    static String streamId(String name) {
        String s = name.strip().replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("^-+|-+$", "");
        if (s.length() > 255) {
            s = s.substring(0, 255);
        }
        return s.isEmpty() ? "stream" : s;
    }

    private static String stripExtension(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    /** The lower-case extension of a file name, without the dot; empty when it has none. */
    static String extension(Path p) {
        String n = String.valueOf(p.getFileName());
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
    }
}
