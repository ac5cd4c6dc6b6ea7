package io.vggstream.cli.demo;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.Java2DFrameConverter;

/** One frame of a video as a PNG: what the README shows of the annotated video. */
final class Stills {

    private Stills() {
    }

    /** Writes frame {@code index} (0-based; the last one when the video is shorter) of {@code video} to {@code png}. */
    static Path write(Path video, int index, Path png) throws IOException {
        BufferedImage picked = null;
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(video.toFile());
             Java2DFrameConverter converter = new Java2DFrameConverter()) {
            grabber.start();
            Frame frame;
            for (int i = 0; (frame = grabber.grabImage()) != null; i++) {
                // The converter reuses its image: copy the one kept.
                picked = copy(converter.convert(frame));
                if (i >= index) {
                    break;
                }
            }
            grabber.stop();
        }
        if (picked == null) {
            throw new IOException(video + " holds no frame");
        }
        Files.createDirectories(png.toAbsolutePath().getParent());
        if (!ImageIO.write(picked, "png", png.toFile())) {
            throw new IOException("no PNG writer for " + png);
        }
        return png;
    }

    private static BufferedImage copy(BufferedImage src) {
        BufferedImage out = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
        out.getGraphics().drawImage(src, 0, 0, null);
        return out;
    }
}
