package io.vggstream.cli.demo;

import io.vggstream.trainer.data.LabeledImages;
import io.vggstream.trainer.data.RgbImage;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameRecorder;
import org.bytedeco.javacv.Java2DFrameConverter;

/**
 * The demo's input: a real video file made of dataset images (one image a frame, enlarged so it
 * looks like video), and beside it a {@code seq,label} CSV of their true classes, which
 * {@code publish --labels} turns into {@code label} headers.
 */
public final class SampleVideo {

    private SampleVideo() {
    }

    /** The files written and what is in them. */
    public record Made(Path video, Path labels, int frames, String codec) {
    }

    /**
     * Writes {@code frames} images of {@code data}, picked at random with {@code seed}, as an MP4
     * of {@code side x side} pixels at {@code fps}.
     */
    public static Made write(LabeledImages data, int frames, int side, double fps, long seed, Path video) {
        return write(data, frames, side, side, fps, seed, video);
    }

    /**
     * As above, {@code width x height}: each item enlarged to a square of the smaller side, centred on
     * black (Fashion-MNIST's own background), as a camera framing it would see it.
     */
    public static Made write(LabeledImages data, int frames, int width, int height, double fps, long seed, Path video) {
        return write(data, frames, width, height, 0, fps, seed, video);
    }

    /**
     * As above, with each frame's item repeated across it at {@code itemSide} pixels (a shelf of one
     * product), or one item on the smaller side when 0: a net trained at one scale then sees the item
     * at the size it learned whatever Q the frame is rescaled to.
     */
    public static Made write(LabeledImages data, int frames, int width, int height, int itemSide, double fps, long seed, Path video) {
        Path labels = video.resolveSibling(video.getFileName().toString().replaceFirst("\\.[^.]+$", "") + ".labels.csv");
        Random random = new Random(seed);
        List<String> lines = new ArrayList<>(List.of("seq,label"));
        String codec = null;
        // FFmpeg talks on stderr about every encoder it opens; the demo says what matters itself.
        io.vggstream.video.Ffmpeg.logLevel("error");
        try {
            Files.createDirectories(video.toAbsolutePath().getParent());
            FFmpegFrameRecorder recorder = null;
            List<String> failures = new ArrayList<>();
            for (String name : List.of("libopenh264", "mpeg4")) {
                if (avcodec.avcodec_find_encoder_by_name(name) == null) {
                    failures.add(name + " is not in this FFmpeg build");
                    continue;
                }
                FFmpegFrameRecorder r = new FFmpegFrameRecorder(video.toFile(), width, height, 0);
                r.setFormat("mp4");
                r.setVideoCodecName(name);
                r.setFrameRate(fps);
                r.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
                r.setVideoBitrate(width * height * 4 * (int) Math.ceil(fps));
                try {
                    r.start();
                    recorder = r;
                    codec = name;
                    break;
                } catch (FrameRecorder.Exception e) {
                    failures.add(name + ": " + e.getMessage());
                    r.release();
                }
            }
            if (recorder == null) {
                throw new IllegalStateException("no video encoder for the sample video: " + String.join("; ", failures));
            }
            try (Java2DFrameConverter converter = new Java2DFrameConverter()) {
                BufferedImage canvas = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
                for (int seq = 0; seq < frames; seq++) {
                    int i = random.nextInt(data.size());
                    RgbImage img = data.image(i);
                    draw(canvas, img, itemSide);
                    Frame f = converter.convert(canvas);
                    recorder.record(f, avutil.AV_PIX_FMT_BGR24);
                    lines.add(seq + "," + csv(data.classes().get(data.label(i))));
                }
                recorder.stop();
            } finally {
                recorder.release();
            }
            Files.write(labels, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the sample video " + video, e);
        }
        return new Made(video, labels, frames, codec);
    }

    private static void draw(BufferedImage canvas, RgbImage img, int itemSide) {
        BufferedImage small = img.toBufferedImage();
        Graphics2D g = canvas.createGraphics();
        // Smooth enlargement, like a camera would see the item, not 8x8 pixel blocks.
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        if (itemSide <= 0) {
            int side = Math.min(canvas.getWidth(), canvas.getHeight());
            g.drawImage(small, (canvas.getWidth() - side) / 2, (canvas.getHeight() - side) / 2, side, side, null);
        } else {
            for (int y = 0; y < canvas.getHeight(); y += itemSide) {
                for (int x = 0; x < canvas.getWidth(); x += itemSide) {
                    g.drawImage(small, x, y, itemSide, itemSide, null);
                }
            }
        }
        g.dispose();
    }

    private static String csv(String label) {
        return label.contains(",") || label.contains("\"") ? "\"" + label.replace("\"", "\"\"") + "\"" : label;
    }
}
