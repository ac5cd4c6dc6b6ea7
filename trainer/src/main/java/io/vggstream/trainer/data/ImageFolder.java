package io.vggstream.trainer.data;

import io.vggstream.imaging.Decoded;
import io.vggstream.imaging.ImageFormat;
import io.vggstream.imaging.ImageProbe;
import io.vggstream.imaging.Pixels;
import io.vggstream.trainer.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ImageNet folder layout, {@code ROOT/train/<class>/*} and {@code ROOT/val/<class>/*}. Only file
 * names are held in memory; images are decoded on demand by the {@code imaging} module, the engine's
 * own decoder (OpenCV; JPEG, PNG, BMP and WebP, the formats the engine serves), so the network is
 * trained on the pixels it will be served; memory stays bounded whatever the size of the set. An
 * unreadable image, another format, or one declaring more than {@link #MAX_PIXELS} pixels is
 * skipped, counted and warned about once.
 */
public final class ImageFolder implements LabeledImages {
    private static final Logger LOG = LoggerFactory.getLogger(ImageFolder.class);

    /** File extensions taken as images (lower case): the formats the engine accepts. */
    public static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "webp");

    /** Images declaring more pixels are skipped before decoding (decompression bombs), as the engine's default. */
    public static final long MAX_PIXELS = 40_000_000L;

    private final String name;
    private final List<String> classes;
    private final String[] files;
    private final int[] labels;
    private final CorruptImages corrupt = new CorruptImages();

    private ImageFolder(String name, List<String> classes, String[] files, int[] labels) {
        this.name = name;
        this.classes = classes;
        this.files = files;
        this.labels = labels;
    }

    /** True when {@code root} looks like the ImageNet layout (it has a {@code train} folder). */
    public static boolean isImageFolder(Path root) {
        return Files.isDirectory(root.resolve("train"));
    }

    /**
     * Lists {@code root/split}. With {@code classes} null, the classes are its sub-folders, sorted;
     * otherwise (a validation split) its sub-folders must be among {@code classes}.
     *
     * @throws BadInputException naming the folder when it is missing or empty, or when a class
     *     folder holds no image
     */
    public static ImageFolder open(Path root, String split, List<String> classes) {
        if (!Files.isDirectory(root)) {
            throw new BadInputException("--data", "dataset folder " + root + " does not exist");
        }
        Path dir = root.resolve(split);
        if (!Files.isDirectory(dir)) {
            throw new BadInputException("--data", "dataset folder " + root + " has no " + split
                    + "/ folder (expected " + split + "/<class>/<image>)");
        }
        List<String> found;
        try (Stream<Path> s = Files.list(dir)) {
            found = s.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new BadInputException("--data", "cannot list " + dir + ": " + e.getMessage(), e);
        }
        if (found.isEmpty()) {
            throw new BadInputException("--data", "dataset folder " + dir + " is empty: expected one folder per class");
        }
        List<String> names = classes == null ? found : classes;
        if (classes != null) {
            for (String c : found) {
                if (!classes.contains(c)) {
                    throw new BadInputException("--data", "class folder " + dir.resolve(c)
                            + " is not a class of the training set");
                }
            }
        }
        if (names.size() < 2) {
            throw new BadInputException("--data", dir + " has only one class folder; a classifier needs two or more");
        }
        List<String> fileList = new ArrayList<>();
        List<Integer> labelList = new ArrayList<>();
        long ignored = 0;
        for (String c : found) {
            Path classDir = dir.resolve(c);
            List<Path> all;
            try (Stream<Path> s = Files.list(classDir)) {
                all = s.filter(Files::isRegularFile).sorted().toList();
            } catch (IOException e) {
                throw new BadInputException("--data", "cannot list " + classDir + ": " + e.getMessage(), e);
            }
            List<Path> images = all.stream().filter(ImageFolder::isImageName).toList();
            ignored += all.size() - images.size();
            if (images.isEmpty()) {
                throw new BadInputException("--data", "class folder " + classDir + " has no images (*."
                        + String.join(", *.", EXTENSIONS.stream().sorted().toList()) + ")");
            }
            int label = names.indexOf(c);
            for (Path p : images) {
                fileList.add(p.toString());
                labelList.add(label);
            }
        }
        if (ignored > 0) {
            LOG.info("{}: ignored {} files that are not images by their extension", dir, ignored);
        }
        LOG.info("{}: {} images in {} classes", dir, fileList.size(), found.size());
        return new ImageFolder(root.getFileName() + "/" + split, List.copyOf(names),
                fileList.toArray(String[]::new), labelList.stream().mapToInt(Integer::intValue).toArray());
    }

    private static boolean isImageName(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return !n.startsWith(".") && dot > 0 && EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<String> classes() {
        return classes;
    }

    @Override
    public int size() {
        return files.length;
    }

    @Override
    public int label(int i) {
        return labels[i];
    }

    @Override
    public RgbImage image(int i) {
        Path file = Path.of(files[i]);
        try {
            byte[] encoded = Files.readAllBytes(file);
            if (ImageFormat.detect(encoded).isEmpty()) {
                corrupt.skip(file, "not " + ImageFormat.ALLOWED + " (looks like " + ImageFormat.guess(encoded) + ")");
                return null;
            }
            Optional<ImageProbe.Size> size = ImageProbe.size(encoded);
            if (size.isEmpty() || size.get().pixels() > MAX_PIXELS) {
                corrupt.skip(file, size.isEmpty() ? "no image size in its header" : "it declares " + size.get().width() + "x"
                    + size.get().height() + " pixels, over " + MAX_PIXELS);
                return null;
            }
            Optional<Decoded> decoded = Decoded.decode(encoded);
            if (decoded.isEmpty()) {
                corrupt.skip(file, "OpenCV cannot decode it");
                return null;
            }
            try (Decoded img = decoded.get()) {
                return toRgb(img.pixels());
            }
        } catch (IOException | RuntimeException e) {
            corrupt.skip(file, e.getClass().getSimpleName() + ": " + e.getMessage());
            return null;
        }
    }

    @Override
    public long corrupt() {
        return corrupt.skipped();
    }

    /** OpenCV's BGR to the trainer's RGB. */
    static RgbImage toRgb(Pixels bgr) {
        byte[] src = bgr.data();
        byte[] rgb = new byte[src.length];
        for (int p = 0; p < rgb.length; p += 3) {
            rgb[p] = src[p + 2];
            rgb[p + 1] = src[p + 1];
            rgb[p + 2] = src[p];
        }
        return new RgbImage(bgr.width(), bgr.height(), 3, rgb);
    }
}
