package io.vggstream.replicate;

import io.vggstream.engine.eval.Evaluation;
import io.vggstream.trainer.data.LabeledImages;
import io.vggstream.trainer.data.RgbImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A dataset (the trainer's readers) as the engine's evaluation samples: each image encoded as PNG
 * (lossless) so it enters the engine as any frame does, and its label mapped to the model's class
 * index by name.
 */
public final class DatasetSamples implements Evaluation.Samples {

    private final LabeledImages data;
    private final int[] toModel;
    private final int size;

    public DatasetSamples(LabeledImages data, List<String> modelClasses, int limit) {
        this.data = data;
        this.size = limit > 0 ? Math.min(limit, data.size()) : data.size();
        List<String> classes = data.classes();
        this.toModel = new int[classes.size()];
        for (int i = 0; i < classes.size(); i++) {
            int j = modelClasses.indexOf(classes.get(i));
            if (j < 0) {
                throw new IllegalArgumentException("--data: the dataset's class '" + classes.get(i) + "' is not one of the model's classes "
                    + modelClasses);
            }
            toModel[i] = j;
        }
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public String name() {
        return data.name();
    }

    @Override
    public Evaluation.Sample get(int i) {
        RgbImage img = data.image(i);
        // An unreadable image (already warned about by the reader) counts as a failure: empty bytes.
        return new Evaluation.Sample(img == null ? new byte[0] : png(img), toModel[data.label(i)]);
    }

    static byte[] png(RgbImage img) {
        BufferedImage b = new BufferedImage(img.width(), img.height(),
            img.channels() == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.height(); y++) {
            for (int x = 0; x < img.width(); x++) {
                if (img.channels() == 1) {
                    b.getRaster().setSample(x, y, 0, img.get(x, y, 0));
                } else {
                    b.setRGB(x, y, (img.get(x, y, 0) << 16) | (img.get(x, y, 1) << 8) | img.get(x, y, 2));
                }
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(b, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
