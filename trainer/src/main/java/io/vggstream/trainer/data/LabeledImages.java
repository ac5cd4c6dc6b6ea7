package io.vggstream.trainer.data;

import java.util.List;

/**
 * An indexed set of labelled images. Implementations keep at most what the format makes cheap in
 * memory (Fashion-MNIST: all of it, 47 MB; an image folder: only the file names) and decode on
 * demand, from several loader threads at once.
 */
public interface LabeledImages {

    /** What this is, for logs and the model card, e.g. {@code fashion-mnist/train}. */
    String name();

    /** Class names; a label is an index into this list. */
    List<String> classes();

    int size();

    /** The label of image {@code i}, without decoding it. */
    int label(int i);

    /**
     * Decodes image {@code i}.
     *
     * @return the image, or null when it cannot be read (already counted and warned about)
     */
    RgbImage image(int i);

    /** Images that could not be read so far. */
    default long corrupt() {
        return 0;
    }
}
