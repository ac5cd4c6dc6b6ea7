package io.vggstream.video.publish;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import io.vggstream.video.VideoException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Stream;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A folder of images in name order, read with OpenCV. Images in class subfolders
 * ({@code Sneaker/0001.png}) carry their subfolder's name as label, as in torchvision's
 * ImageFolder; images directly in the folder carry none. A file OpenCV cannot read is skipped
 * with a warning.
 */
final class ImageFolderSource implements FrameSource {

    private static final Logger LOG = LoggerFactory.getLogger(ImageFolderSource.class);

    /** What OpenCV reads here, by extension. */
    static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "webp", "tif", "tiff", "pgm", "ppm", "pbm", "pnm");

    /** One image file and the label its place gives it. */
    record Entry(Path file, Optional<String> label) {
    }

    private final List<Entry> entries;
    private int position;
    private long skipped;
    private Mat current;

    private ImageFolderSource(List<Entry> entries) {
        this.entries = entries;
    }

    static ImageFolderSource open(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new VideoException("image folder " + folder + " does not exist or is not a folder");
        }
        List<Entry> entries = list(folder);
        if (entries.isEmpty()) {
            throw new VideoException("image folder " + folder + " holds no images (" + String.join(", ", EXTENSIONS.stream().sorted().toList())
                + "), neither directly nor in class subfolders");
        }
        return new ImageFolderSource(entries);
    }

    /** The folder's images: its own first, unlabelled, then each class subfolder's, labelled; names in order. */
    static List<Entry> list(Path folder) {
        List<Entry> out = new ArrayList<>();
        try {
            for (Path f : images(folder)) {
                out.add(new Entry(f, Optional.empty()));
            }
            List<Path> classes;
            try (Stream<Path> s = Files.list(folder)) {
                classes = s.filter(Files::isDirectory).filter(d -> !d.getFileName().toString().startsWith("."))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
            }
            for (Path c : classes) {
                String label = c.getFileName().toString();
                for (Path f : images(c)) {
                    out.add(new Entry(f, Optional.of(label)));
                }
            }
        } catch (IOException e) {
            throw new VideoException("cannot list image folder " + folder + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static List<Path> images(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile)
                .filter(p -> !p.getFileName().toString().startsWith("."))
                .filter(p -> EXTENSIONS.contains(Source.extension(p)))
                .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        }
    }

    @Override
    public Captured next() {
        while (position < entries.size()) {
            Entry e = entries.get(position++);
            closeCurrent();
            Mat m = imread(e.file().toString(), IMREAD_COLOR);
            if (m == null || m.empty()) {
                if (m != null) {
                    m.close();
                }
                skipped++;
                LOG.warn("skipped {}: OpenCV cannot read it as an image", e.file());
                continue;
            }
            current = m;
            return new Captured(m, -1, position - 1, e.label());
        }
        return null;
    }

    @Override
    public void restart() {
        position = 0;
    }

    @Override
    public boolean live() {
        return false;
    }

    @Override
    public OptionalDouble frameRate() {
        return OptionalDouble.empty();
    }

    @Override
    public OptionalLong length() {
        return OptionalLong.of(entries.size());
    }

    @Override
    public long skipped() {
        return skipped;
    }

    @Override
    public void close() {
        closeCurrent();
    }

    private void closeCurrent() {
        if (current != null) {
            current.close();
            current = null;
        }
    }
}
