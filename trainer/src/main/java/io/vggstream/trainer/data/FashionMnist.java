package io.vggstream.trainer.data;

import io.vggstream.trainer.BadInputException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Fashion-MNIST from its idx files ({@code train-images-idx3-ubyte.gz} and friends, big-endian,
 * gzip or plain): 60,000 + 10,000 grey 28x28 images of 10 classes, held in memory (47 MB) and read
 * as RGB with the grey replicated.
 */
public final class FashionMnist implements LabeledImages {

    /** Where Debian's {@code dataset-fashion-mnist} puts the files. */
    public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    /** The dataset's class names, in label order. */
    public static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private static final int IMAGES_MAGIC = 0x00000803;
    private static final int LABELS_MAGIC = 0x00000801;

    private final String name;
    private final int rows;
    private final int cols;
    private final byte[] pixels;
    private final byte[] labels;

    private FashionMnist(String name, int rows, int cols, byte[] pixels, byte[] labels) {
        this.name = name;
        this.rows = rows;
        this.cols = cols;
        this.pixels = pixels;
        this.labels = labels;
    }

    /** The two splits of Fashion-MNIST. */
    public enum Split {
        TRAIN("train"), TEST("t10k");

        private final String prefix;

        Split(String prefix) {
            this.prefix = prefix;
        }
    }

    /** True when {@code dir} holds Fashion-MNIST's training images, gzipped or not. */
    public static boolean isFashionMnistDir(Path dir) {
        return find(dir, "train-images-idx3-ubyte") != null;
    }

    /**
     * Reads one split from {@code dir}.
     *
     * @throws BadInputException naming the file when it is missing, truncated or not an idx file
     */
    public static FashionMnist load(Path dir, Split split) {
        Path imagesFile = require(dir, split.prefix + "-images-idx3-ubyte");
        Path labelsFile = require(dir, split.prefix + "-labels-idx1-ubyte");
        try (DataInputStream images = open(imagesFile); DataInputStream labelIn = open(labelsFile)) {
            int magic = images.readInt();
            if (magic != IMAGES_MAGIC) {
                throw bad(imagesFile, "is not an idx3 image file (magic 0x" + Integer.toHexString(magic) + ")");
            }
            int count = images.readInt();
            int rows = images.readInt();
            int cols = images.readInt();
            if (count < 1 || rows < 1 || cols < 1) {
                throw bad(imagesFile, "declares " + count + " images of " + rows + "x" + cols);
            }
            int labelMagic = labelIn.readInt();
            if (labelMagic != LABELS_MAGIC) {
                throw bad(labelsFile, "is not an idx1 label file (magic 0x" + Integer.toHexString(labelMagic) + ")");
            }
            int labelCount = labelIn.readInt();
            if (labelCount != count) {
                throw bad(labelsFile, "has " + labelCount + " labels for " + count + " images in " + imagesFile);
            }
            byte[] pixels = new byte[Math.multiplyExact(count, rows * cols)];
            images.readFully(pixels);
            byte[] labels = new byte[count];
            labelIn.readFully(labels);
            for (int i = 0; i < count; i++) {
                if (labels[i] < 0 || labels[i] >= CLASSES.size()) {
                    throw bad(labelsFile, "label " + labels[i] + " of image " + i + " is not in 0..9");
                }
            }
            return new FashionMnist("fashion-mnist/" + split.name().toLowerCase(java.util.Locale.ROOT),
                    rows, cols, pixels, labels);
        } catch (EOFException e) {
            throw new BadInputException("--data", imagesFile + " or " + labelsFile + " is truncated", e);
        } catch (IOException e) {
            throw new BadInputException("--data", "cannot read Fashion-MNIST in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static BadInputException bad(Path file, String problem) {
        return new BadInputException("--data", file + " " + problem);
    }

    private static Path require(Path dir, String base) {
        if (!Files.isDirectory(dir)) {
            throw new BadInputException("--data", "Fashion-MNIST folder " + dir + " does not exist"
                    + (dir.equals(DEBIAN_DIR) ? " (apt-get install dataset-fashion-mnist)" : ""));
        }
        Path found = find(dir, base);
        if (found == null) {
            throw new BadInputException("--data", dir + " has no " + base + ".gz (nor " + base + ")");
        }
        return found;
    }

    private static Path find(Path dir, String base) {
        for (Path p : List.of(dir.resolve(base + ".gz"), dir.resolve(base))) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        if (file.getFileName().toString().endsWith(".gz")) {
            in = new GZIPInputStream(in, 1 << 16);
        }
        return new DataInputStream(in);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<String> classes() {
        return CLASSES;
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public int label(int i) {
        return labels[i];
    }

    @Override
    public RgbImage image(int i) {
        int n = rows * cols;
        byte[] grey = new byte[n];
        System.arraycopy(pixels, i * n, grey, 0, n);
        return new RgbImage(cols, rows, 1, grey);
    }
}
