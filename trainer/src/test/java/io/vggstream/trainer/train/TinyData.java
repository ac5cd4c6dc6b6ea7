package io.vggstream.trainer.train;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

/** A tiny Fashion-MNIST-format dataset: class c is a bright bar at rows 2c+3..2c+4, plus noise. */
final class TinyData {

    private TinyData() {}

    static Path write(Path dir, int train, int test) throws IOException {
        Files.createDirectories(dir);
        write(dir, "train", train, 1);
        write(dir, "t10k", test, 2);
        return dir;
    }

    private static void write(Path dir, String prefix, int n, long seed) throws IOException {
        SplittableRandom rng = new SplittableRandom(seed);
        try (DataOutputStream images = new DataOutputStream(new GZIPOutputStream(
                Files.newOutputStream(dir.resolve(prefix + "-images-idx3-ubyte.gz"))));
                DataOutputStream labels = new DataOutputStream(new GZIPOutputStream(
                        Files.newOutputStream(dir.resolve(prefix + "-labels-idx1-ubyte.gz"))))) {
            images.writeInt(0x803);
            images.writeInt(n);
            images.writeInt(28);
            images.writeInt(28);
            labels.writeInt(0x801);
            labels.writeInt(n);
            for (int i = 0; i < n; i++) {
                int c = i % 10;
                for (int y = 0; y < 28; y++) {
                    for (int x = 0; x < 28; x++) {
                        boolean bar = y == 2 * c + 3 || y == 2 * c + 4;
                        int v = (bar ? 200 : 20) + rng.nextInt(40);
                        images.writeByte(v);
                    }
                }
                labels.writeByte(c);
            }
        }
    }
}
