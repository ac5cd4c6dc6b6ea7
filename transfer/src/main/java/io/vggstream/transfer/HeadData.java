package io.vggstream.transfer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The labelled images a head is fitted and measured on: an ImageNet-layout folder,
 * {@code train/<class>/*} and optionally {@code val/<class>/*}; without {@code val}, a seeded
 * held-out part of every class of {@code train}. Classes are the {@code train} folders' names in
 * sorted order. Files are listed, not decoded: an unreadable image is found (and skipped and
 * counted) when its descriptor is made.
 *
 * @param classes the class names, the label being the index
 * @param train images the head is fitted on
 * @param val images the served model is measured on
 * @param valSplit {@code val}, or {@code holdout} when it was cut from {@code train}
 */
public record HeadData(Path root, List<String> classes, List<Item> train, List<Item> val, String valSplit) {

    /** One image file and its label. */
    public record Item(Path file, int label) {}

    public HeadData {
        classes = List.copyOf(classes);
        train = List.copyOf(train);
        val = List.copyOf(val);
    }

    /**
     * Lists {@code root}.
     *
     * @param holdout the fraction of each class held out when there is no {@code val/} (at least one image a class)
     * @param seed the held-out part's seed
     * @throws IllegalArgumentException naming the folder or the class: no {@code train/}, fewer than two classes, a class
     *     without images, a {@code val/} class that {@code train/} lacks or that has no images
     */
    public static HeadData open(Path root, double holdout, long seed) {
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("--data " + root + ": no such folder");
        }
        Path trainDir = root.resolve("train");
        if (!Files.isDirectory(trainDir)) {
            throw new IllegalArgumentException("--data " + root + ": no train/ folder; the layout is train/<class>/<image>"
                + " and optionally val/<class>/<image>");
        }
        List<String> classes = folders(trainDir);
        if (classes.size() < 2) {
            throw new IllegalArgumentException("--data " + root + ": a head tells classes apart and train/ has "
                + (classes.isEmpty() ? "no class folder" : "only the class '" + classes.get(0) + "'") + "; give two or more");
        }
        List<List<Path>> trainFiles = new ArrayList<>();
        for (String c : classes) {
            List<Path> files = files(trainDir.resolve(c));
            if (files.isEmpty()) {
                throw new IllegalArgumentException("--data " + root + ": class '" + c + "' (" + trainDir.resolve(c) + ") has no images");
            }
            trainFiles.add(files);
        }
        List<Item> train = new ArrayList<>();
        List<Item> val = new ArrayList<>();
        Path valDir = root.resolve("val");
        if (Files.isDirectory(valDir)) {
            for (String c : folders(valDir)) {
                if (!classes.contains(c)) {
                    throw new IllegalArgumentException("--data " + root + ": val/ has class '" + c + "' that train/ lacks");
                }
            }
            for (int k = 0; k < classes.size(); k++) {
                Path dir = valDir.resolve(classes.get(k));
                List<Path> files = Files.isDirectory(dir) ? files(dir) : List.of();
                if (files.isEmpty()) {
                    throw new IllegalArgumentException("--data " + root + ": class '" + classes.get(k) + "' has no images in val/ ("
                        + dir + "); every class is measured");
                }
                for (Path f : trainFiles.get(k)) {
                    train.add(new Item(f, k));
                }
                for (Path f : files) {
                    val.add(new Item(f, k));
                }
            }
            return new HeadData(root, classes, train, val, "val");
        }
        if (!(holdout > 0 && holdout < 1)) {
            throw new IllegalArgumentException("--holdout must be in (0, 1), was " + holdout);
        }
        Random random = new Random(seed);
        for (int k = 0; k < classes.size(); k++) {
            List<Path> files = new ArrayList<>(trainFiles.get(k));
            if (files.size() < 2) {
                throw new IllegalArgumentException("--data " + root + ": class '" + classes.get(k) + "' has one image and there is"
                    + " no val/ folder to measure on; give it two or more, or a val/ folder");
            }
            Collections.shuffle(files, random);
            int held = Math.max(1, (int) Math.round(files.size() * holdout));
            held = Math.min(held, files.size() - 1);
            for (int i = 0; i < files.size(); i++) {
                (i < held ? val : train).add(new Item(files.get(i), k));
            }
        }
        return new HeadData(root, classes, train, val, "holdout");
    }

    /** Images per class in {@code items}. */
    public int[] counts(List<Item> items) {
        int[] n = new int[classes.size()];
        items.forEach(i -> n[i.label()]++);
        return n;
    }

    /**
     * The class balance in words: the smallest and largest class and their ratio, with a warning above 3:1
     * (a linear head then favours the large classes; the card's accuracy is over all images).
     */
    public static String imbalance(List<String> classes, int[] counts) {
        int min = 0;
        int max = 0;
        for (int k = 1; k < counts.length; k++) {
            if (counts[k] < counts[min]) {
                min = k;
            }
            if (counts[k] > counts[max]) {
                max = k;
            }
        }
        double ratio = (double) counts[max] / Math.max(1, counts[min]);
        String s = String.format(Locale.ROOT, "smallest class '%s' %d images, largest '%s' %d (%.1f:1)", classes.get(min), counts[min],
            classes.get(max), counts[max], ratio);
        return ratio > 3 ? s + "; imbalanced: the head favours the large classes" : s;
    }

    private static List<String> folders(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    private static List<Path> files(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }
}
