package io.vggstream.trainer.data;

import io.vggstream.trainer.BadInputException;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ImageNet folder layout, {@code ROOT/train/<class>/*} and {@code ROOT/val/<class>/*}. Only file
 * names are held in memory; images are decoded on demand (JPEG, PNG, BMP, GIF through ImageIO), so
 * memory stays bounded whatever the size of the set. An unreadable image is skipped, counted and
 * warned about once.
 */
public final class ImageFolder implements LabeledImages {
    private static final Logger LOG = LoggerFactory.getLogger(ImageFolder.class);

    /** File extensions taken as images (lower case). */
    public static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "gif");

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
            BufferedImage img = ImageIO.read(file.toFile());
            if (img == null) {
                corrupt.skip(file, "no ImageIO reader understands it");
                return null;
            }
            return toRgb(img);
        } catch (IOException | RuntimeException e) {
            corrupt.skip(file, e.getClass().getSimpleName() + ": " + e.getMessage());
            return null;
        }
    }

    @Override
    public long corrupt() {
        return corrupt.skipped();
    }

    /** Converts any decoded image to 8-bit RGB (or grey, kept as one channel). */
    static RgbImage toRgb(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        if (img.getType() == BufferedImage.TYPE_BYTE_GRAY) {
            byte[] grey = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
            if (grey.length == w * h) {
                return new RgbImage(w, h, 1, grey.clone());
            }
        }
        byte[] rgb = new byte[w * h * 3];
        if (img.getType() == BufferedImage.TYPE_3BYTE_BGR
                && img.getRaster().getDataBuffer() instanceof DataBufferByte buf && buf.getData().length == rgb.length) {
            byte[] bgr = buf.getData();
            for (int p = 0; p < rgb.length; p += 3) {
                rgb[p] = bgr[p + 2];
                rgb[p + 1] = bgr[p + 1];
                rgb[p + 2] = bgr[p];
            }
            return new RgbImage(w, h, 3, rgb);
        }
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int argb = row[x];
                int o = (y * w + x) * 3;
                rgb[o] = (byte) (argb >> 16);
                rgb[o + 1] = (byte) (argb >> 8);
                rgb[o + 2] = (byte) argb;
            }
        }
        return new RgbImage(w, h, 3, rgb);
    }
}
