package io.vggstream.trainer.data;

import java.util.List;
import java.util.stream.IntStream;

/** A view of some images of another set, by index. */
public final class Subset implements LabeledImages {
    private final LabeledImages base;
    private final int[] indices;
    private final String name;

    public Subset(LabeledImages base, int[] indices, String name) {
        this.base = base;
        this.indices = indices.clone();
        this.name = name;
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
        return base.classes();
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public int label(int i) {
        return base.label(indices[i]);
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
