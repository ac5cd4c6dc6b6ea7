package io.vggstream.trainer.data;

import io.vggstream.trainer.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code --data} names, resolved into the sets a run needs.
 *
 * @param name {@code fashion-mnist} or the folder, for the model card
 * @param train images to train on
 * @param val images the learning-rate schedule watches
 * @param test images the exported model is scored on (Fashion-MNIST's t10k; a folder's val)
 * @param testSplit name of {@code test} in the card
 */
public record DataSource(String name, LabeledImages train, LabeledImages val, LabeledImages test, String testSplit) {
    private static final Logger LOG = LoggerFactory.getLogger(DataSource.class);

    /** The value of {@code --data} for Debian's Fashion-MNIST. */
    public static final String FASHION_MNIST = "fashion-mnist";

    public List<String> classes() {
        return train.classes();
    }

    /**
     * The same splits cut to at most {@code trainImages}, {@code valImages} and {@code testImages}
     * images (null: all), each taken evenly spaced over its split so every part of it (and, in
     * Fashion-MNIST, every class) is represented; fixed, independent of the training seed.
     */
    public DataSource limit(Integer trainImages, Integer valImages, Integer testImages) {
        return new DataSource(name, Subset.evenly(train, trainImages), Subset.evenly(val, valImages),
                test == val ? Subset.evenly(val, valImages) : Subset.evenly(test, testImages), testSplit);
    }

    /**
     * The same splits restricted to the classes {@code spec} names ({@code 0-4}, {@code 0,2,5-7}; null: all),
     * relabelled 0..k-1 in label order.
     *
     * @throws BadInputException naming {@code --classes}
     */
    public DataSource classes(String spec) {
        if (spec == null) {
            return this;
        }
        List<Integer> labels = ClassSubset.parse(spec, classes().size());
        Subset v = ClassSubset.of(val, labels);
        return new DataSource(name, ClassSubset.of(train, labels), v, test == val ? v : ClassSubset.of(test, labels), testSplit);
    }

    private static boolean isEmpty(Path dir) {
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (java.io.IOException e) {
            throw new BadInputException("--data", "cannot list dataset folder " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Resolves {@code --data}: {@code fashion-mnist} (Debian's folder), a folder holding
     * Fashion-MNIST's idx files, or an ImageNet-style folder with {@code train/} and optionally
     * {@code val/}. Without a separate validation set, every {@code holdoutEvery}-th training image
     * is held out for it.
     *
     * @throws BadInputException naming {@code --data} and the folder or file at fault
     */
    public static DataSource resolve(String data, int holdoutEvery) {
        if (data == null || data.isBlank()) {
            throw new BadInputException("--data", "--data is required: fashion-mnist or a dataset folder");
        }
        Path dir = data.equals(FASHION_MNIST) ? FashionMnist.DEBIAN_DIR : Path.of(data);
        if (data.equals(FASHION_MNIST) || FashionMnist.isFashionMnistDir(dir)) {
            FashionMnist train = FashionMnist.load(dir, FashionMnist.Split.TRAIN);
            FashionMnist test = FashionMnist.load(dir, FashionMnist.Split.TEST);
            Subset[] split = Subset.holdOutEvery(train, holdoutEvery, "fashion-mnist/train", "fashion-mnist/holdout");
            return new DataSource(FASHION_MNIST, split[0], split[1], test, "test");
        }
        if (!Files.isDirectory(dir)) {
            throw new BadInputException("--data", "dataset folder " + dir + " does not exist");
        }
        if (isEmpty(dir)) {
            throw new BadInputException("--data", "dataset folder " + dir + " is empty");
        }
        if (!ImageFolder.isImageFolder(dir)) {
            throw new BadInputException("--data", "dataset folder " + dir + " is neither Fashion-MNIST"
                    + " (train-images-idx3-ubyte.gz, ...) nor an image folder (train/<class>/<image>)");
        }
        ImageFolder train = ImageFolder.open(dir, "train", null);
        if (Files.isDirectory(dir.resolve("val"))) {
            ImageFolder val = ImageFolder.open(dir, "val", train.classes());
            return new DataSource(dir.toString(), train, val, val, "val");
        }
        LOG.warn("{} has no val/ folder: holding out every {}th training image for validation", dir, holdoutEvery);
        Subset[] split = Subset.holdOutEvery(train, holdoutEvery, train.name(), train.name() + "-holdout");
        return new DataSource(dir.toString(), split[0], split[1], split[1], "holdout");
    }
}
