package io.vggstream.trainer.data;

import io.vggstream.trainer.BadInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The images of some classes of another set, relabelled 0..k-1 in the order of the original labels
 * (the trainer's {@code --classes 0-4}: a base net trained on part of a dataset's classes).
 */
public final class ClassSubset {

    private ClassSubset() {}

    /**
     * Parses {@code --classes}: labels and ranges, e.g. {@code 0-4} or {@code 0,2,5-7}.
     *
     * @throws BadInputException naming {@code --classes} when the list is malformed or a label is not below {@code count}
     */
    public static List<Integer> parse(String spec, int count) {
        TreeSet<Integer> labels = new TreeSet<>();
        for (String part : spec.split(",")) {
            String p = part.strip();
            try {
                String[] ends = p.split("-", -1);
                if (ends.length > 2) {
                    throw new NumberFormatException();
                }
                int lo = Integer.parseInt(ends[0].strip());
                int hi = ends.length == 2 ? Integer.parseInt(ends[1].strip()) : lo;
                if (lo < 0 || hi < lo) {
                    throw new NumberFormatException();
                }
                for (int k = lo; k <= hi; k++) {
                    if (k >= count) {
                        throw new BadInputException("--classes", "--classes " + spec + ": label " + k + " is not a class of the data"
                                + " (labels 0.." + (count - 1) + ")");
                    }
                    labels.add(k);
                }
            } catch (NumberFormatException e) {
                throw new BadInputException("--classes", "--classes " + spec + ": '" + p + "' is neither a label nor a range"
                        + " LOW-HIGH (e.g. 0-4 or 0,2,5-7)");
            }
        }
        if (labels.size() < 2) {
            throw new BadInputException("--classes", "--classes " + spec + " names " + labels.size() + " class; a net needs two or more");
        }
        return List.copyOf(labels);
    }

    /** The images of {@code labels} in {@code base}, relabelled in order. */
    public static Subset of(LabeledImages base, List<Integer> labels) {
        int[] relabel = new int[base.classes().size()];
        java.util.Arrays.fill(relabel, -1);
        List<String> names = new ArrayList<>();
        for (int k : labels) {
            relabel[k] = names.size();
            names.add(base.classes().get(k));
        }
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < base.size(); i++) {
            if (relabel[base.label(i)] >= 0) {
                kept.add(i);
            }
        }
        return new Subset(base, kept.stream().mapToInt(Integer::intValue).toArray(), base.name() + "[classes " + names.size() + "]",
                relabel, names);
    }
}
