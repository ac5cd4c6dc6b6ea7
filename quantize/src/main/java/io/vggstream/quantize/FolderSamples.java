package io.vggstream.quantize;

import io.vggstream.engine.eval.Evaluation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A calibration folder: one sub-folder per class, named as the model's classes (or a {@code train/}
 * folder holding them, the ImageNet layout), its files passed to the engine as they are, so the
 * engine's own decode and preprocessing read them. A file that is no image is skipped at calibration.
 */
public final class FolderSamples implements Evaluation.Samples {

    private final String name;
    private final List<Path> files;
    private final int[] labels;

    private FolderSamples(String name, List<Path> files, int[] labels) {
        this.name = name;
        this.files = files;
        this.labels = labels;
    }

    /**
     * @throws QuantizeException naming the folder when it is missing, holds no class folder, or a
     *     class folder that is none of {@code classes}
     */
    public static FolderSamples open(Path root, List<String> classes) {
        if (!Files.isDirectory(root)) {
            throw new QuantizeException("calibration folder " + root + " does not exist");
        }
        Path dir = Files.isDirectory(root.resolve("train")) ? root.resolve("train") : root;
        List<Path> classDirs;
        try (Stream<Path> s = Files.list(dir)) {
            classDirs = s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new QuantizeException("cannot list calibration folder " + dir + ": " + e.getMessage());
        }
        if (classDirs.isEmpty()) {
            throw new QuantizeException("calibration folder " + dir + " holds no class folder (expected <class>/<image>)");
        }
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (Path c : classDirs) {
            int label = classes.indexOf(c.getFileName().toString());
            if (label < 0) {
                throw new QuantizeException("calibration folder " + c + " is not one of the model's classes " + classes);
            }
            try (Stream<Path> s = Files.list(c)) {
                for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
                    files.add(f);
                    labels.add(label);
                }
            } catch (IOException e) {
                throw new QuantizeException("cannot list " + c + ": " + e.getMessage());
            }
        }
        // sorted by class: the job's even spread over the set meets every class
        return new FolderSamples(root.toString(), List.copyOf(files), labels.stream().mapToInt(Integer::intValue).toArray());
    }

    @Override
    public int size() {
        return files.size();
    }

    @Override
    public Evaluation.Sample get(int i) {
        try {
            return new Evaluation.Sample(Files.readAllBytes(files.get(i)), labels[i]);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read calibration image " + files.get(i), e);
        }
    }

    @Override
    public String name() {
        return name;
    }
}
