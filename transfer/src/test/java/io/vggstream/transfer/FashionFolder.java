package io.vggstream.transfer;

import io.vggstream.trainer.data.FashionMnist;
import io.vggstream.trainer.data.RgbImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/** Real Fashion-MNIST images written as an ImageNet-layout folder ({@code split/<class>/<n>.png}), for the tests. */
final class FashionFolder {

    static final Path DATA = FashionMnist.DEBIAN_DIR;

    private FashionFolder() {}

    /**
     * Writes the first {@code perClass} images of each of {@code labels} from {@code from} into {@code root/split/<name>/}.
     *
     * @param skip images of each class to pass over first (so train and val differ)
     */
    static void write(FashionMnist from, List<Integer> labels, int skip, int perClass, Path root, String split) throws IOException {
        for (int label : labels) {
            Path dir = Files.createDirectories(root.resolve(split).resolve(name(label)));
            int seen = 0;
            int written = 0;
            for (int i = 0; i < from.size() && written < perClass; i++) {
                if (from.label(i) != label) {
                    continue;
                }
                if (seen++ < skip) {
                    continue;
                }
                ImageIO.write(from.image(i).toBufferedImage(), "png", dir.resolve(String.format("%05d.png", i)).toFile());
                written++;
            }
        }
    }

    /** A folder-safe class name: Fashion-MNIST's, with "/" taken out. */
    static String name(int label) {
        return FashionMnist.CLASSES.get(label).replace('/', '-');
    }

}
