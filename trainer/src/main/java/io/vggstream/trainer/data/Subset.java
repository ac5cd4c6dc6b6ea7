package io.vggstream.trainer.data;

import java.util.List;
import java.util.stream.IntStream;

/** A view of some images of another set, by index, its labels kept or mapped ({@link ClassSubset}). */
public final class Subset implements LabeledImages {
    private final LabeledImages base;
    private final int[] indices;
    private final String name;
    private final int[] relabel;
    private final List<String> classes;

    public Subset(LabeledImages base, int[] indices, String name) {
        this(base, indices, name, null, base.classes());
    }

    /** {@code relabel[k]} is the new label of the base's label {@code k} (null: unchanged); {@code classes} the new names. */
    Subset(LabeledImages base, int[] indices, String name, int[] relabel, List<String> classes) {
        this.base = base;
        this.indices = indices.clone();
        this.name = name;
        this.relabel = relabel == null ? null : relabel.clone();
        this.classes = List.copyOf(classes);
    }

    /**
     * Splits {@code base} into a training part and a held-out part of every {@code k}-th image
     * (a fixed split, independent of the training seed).
     */
    public static Subset[] holdOutEvery(LabeledImages base, int k, String trainName, String heldOutName) {
        int[] held = IntStream.range(0, base.size()).filter(i -> i % k == k - 1).toArray();
        int[] kept = IntStream.range(0, base.size()).filter(i -> i % k != k - 1).toArray();
        return new Subset[] {new Subset(base, kept, trainName), new Subset(base, held, heldOutName)};
    }

    /**
     * {@code n} images of {@code base}, evenly spaced ({@code floor(i * size / n)}), or {@code base}
     * itself when {@code n} is null or not smaller than its size.
     */
    public static LabeledImages evenly(LabeledImages base, Integer n) {
        if (n == null || n >= base.size()) {
            return base;
        }
        if (n < 1) {
            throw new IllegalArgumentException("a subset needs at least one image, was " + n);
        }
        int[] idx = IntStream.range(0, n).map(i -> (int) ((long) i * base.size() / n)).toArray();
        return new Subset(base, idx, base.name() + "[" + n + "]");
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
        return indices.length;
    }

    @Override
    public int label(int i) {
        int label = base.label(indices[i]);
        return relabel == null ? label : relabel[label];
    }

    @Override
    public RgbImage image(int i) {
        return base.image(indices[i]);
    }

    @Override
    public long corrupt() {
        return base.corrupt();
    }
}
