package io.vggstream.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BatchLoaderTest {

    /** Image i is a 2x2 grey of value i; images listed in {@code broken} cannot be read. */
    static LabeledImages numbered(int n, Set<Integer> broken) {
        return new LabeledImages() {
            public String name() {
                return "numbered";
            }

            public List<String> classes() {
                return List.of("even", "odd");
            }

            public int size() {
                return n;
            }

            public int label(int i) {
                return i % 2;
            }

            public RgbImage image(int i) {
                return broken.contains(i) ? null : new RgbImage(2, 2, 1, new byte[] {(byte) i, (byte) i, (byte) i, (byte) i});
            }
        };
    }

    /** Writes the pixel value plus a random number from the image's own stream. */
    static final ImageTransform VALUE_PLUS_NOISE = new ImageTransform() {
        public int side() {
            return 2;
        }

        public void apply(RgbImage image, SplittableRandom rng, FloatBuffer dst, int offset) {
            float noise = (float) rng.nextDouble();
            for (int k = 0; k < 12; k++) {
                dst.put(offset + k, image.get(0, 0, 0) + noise);
            }
        }
    };

    static List<float[]> drain(BatchLoader loader, List<int[]> labels) {
        List<float[]> out = new ArrayList<>();
        for (HostBatch b : loader.asIterable()) {
            float[] f = new float[b.count() * 12];
            b.floats().get(f);
            out.add(f);
            labels.add(b.labels());
            loader.release(b);
        }
        return out;
    }

    @Test
    void shouldServeBatchesInOrderWithTheSameContentWhateverTheThreadCount() {
        LabeledImages set = numbered(103, Set.of());
        int[] order = BatchLoader.permutation(103, 9);
        List<int[]> labels1 = new ArrayList<>();
        List<int[]> labels3 = new ArrayList<>();

        List<float[]> one;
        List<float[]> three;
        try (BatchLoader l = new BatchLoader(set, order, 10, VALUE_PLUS_NOISE, 77, 1, 2)) {
            one = drain(l, labels1);
        }
        try (BatchLoader l = new BatchLoader(set, order, 10, VALUE_PLUS_NOISE, 77, 3, 4)) {
            three = drain(l, labels3);
        }

        assertThat(one).hasSize(11);
        assertThat(one.get(10)).hasSize(3 * 12);
        for (int b = 0; b < one.size(); b++) {
            assertThat(three.get(b)).containsExactly(one.get(b));
            assertThat(labels3.get(b)).containsExactly(labels1.get(b));
            assertThat((int) one.get(b)[0]).isEqualTo(order[b * 10]);
        }
    }

    @Test
    void shouldSkipUnreadableImagesAndReportThemInTheBatch() {
        LabeledImages set = numbered(20, Set.of(3, 4, 15));
        int[] order = java.util.stream.IntStream.range(0, 20).toArray();
        List<HostBatch> batches = new ArrayList<>();

        try (BatchLoader l = new BatchLoader(set, order, 10, VALUE_PLUS_NOISE, 1, 2, 3)) {
            l.forEachRemaining(b -> {
                batches.add(b);
                l.release(b);
            });
        }

        assertThat(batches).extracting(HostBatch::count).containsExactly(8, 9);
        assertThat(batches).extracting(HostBatch::skipped).containsExactly(2, 1);
        assertThat(batches.get(0).labels()).containsExactly(0, 1, 0, 1, 0, 1, 0, 1);
    }

    @Test
    void shouldNeverUseMoreBuffersThanGiven() {
        LabeledImages set = numbered(200, Set.of());
        Set<ByteBuffer> seen = Collections.newSetFromMap(new IdentityHashMap<>());

        try (BatchLoader l = new BatchLoader(set, BatchLoader.permutation(200, 1), 8, VALUE_PLUS_NOISE, 1, 2, 3)) {
            l.forEachRemaining(b -> {
                seen.add(b.bytes());
                l.release(b);
            });
        }

        assertThat(seen).hasSize(3);
    }

    @Test
    void shouldReportALoaderFailureWithTheBatchWhenATransformThrows() {
        ImageTransform failing = new ImageTransform() {
            public int side() {
                return 2;
            }

            public void apply(RgbImage image, SplittableRandom rng, FloatBuffer dst, int offset) {
                throw new IllegalArgumentException("boom");
            }
        };

        try (BatchLoader l = new BatchLoader(numbered(10, Set.of()), new int[] {0, 1, 2}, 2, failing, 1, 1, 2)) {
            assertThatThrownBy(l::next).hasMessageContaining("loading batch 0 failed").hasMessageContaining("boom");
        }
    }

    @Test
    void shouldGiveAFixedPermutationForASeed() {
        int[] p = BatchLoader.permutation(1000, 5);

        assertThat(p).containsExactlyInAnyOrder(java.util.stream.IntStream.range(0, 1000).toArray());
        assertThat(BatchLoader.permutation(1000, 5)).containsExactly(p);
        assertThat(BatchLoader.permutation(1000, 6)).isNotEqualTo(p);
    }
}
