package io.vggstream.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A resumed run whose checkpoint arrays are garbage-collected and whose freed native memory is
 * reused at once. In a class of its own: the trainer's test classes each get a fresh JVM (see the
 * module's POM), so this deliberate churn of the native heap cannot reach another test's run.
 */
class ResumeAfterCollectionTest {

    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    static Path data;

    @BeforeAll
    static void data() throws Exception {
        data = TinyData.write(shared.resolve("tiny"), 480, 100);
    }

    static Recipe recipe(Path out, int epochs) {
        return TrainingTest.recipe(data, out, epochs);
    }

    static final TrainerSettings SETTINGS = TrainingTest.SETTINGS;

    static class Recording extends TrainingTest.Recording {
        Recording(StopSignal stop, int stopEpoch, int stopBatch) {
            super(stop, stopEpoch, stopBatch);
        }
    }

    /**
     * The resume crash: momentum restored from a checkpoint lived in the decoded arrays' direct
     * buffers, which the JVM frees once those arrays are garbage. Here the resumed run collects them
     * at its first step and fills fresh native memory with junk; its next epochs must still match an
     * uninterrupted run (before the fix they diverged, or the JVM died with glibc heap corruption).
     */
    @Test
    void shouldTrainLikeAnUninterruptedRunAfterResumeEvenOnceTheCheckpointsArraysAreCollected() throws Exception {
        Path straight = dir.resolve("straight");
        StopSignal never = StopSignal.manual();
        Training.Result expected = Training.run(recipe(straight, 4), false, SETTINGS, never, new Recording(never, -1, -1));

        Path broken = dir.resolve("broken");
        StopSignal stop = StopSignal.manual();
        Training.run(recipe(broken, 4), false, SETTINGS, stop, new Recording(stop, 2, 5));
        List<Integer> sizes = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Path ckpt = Checkpoint.locate(broken, "--resume");
            Checkpoint.readArrays(ckpt.resolve(Checkpoint.MOMENTUM), m).values()
                    .forEach(a -> sizes.add(Math.toIntExact(a.size() * Float.BYTES)));
        }
        assertThat(sizes).isNotEmpty();

        StopSignal again = StopSignal.manual();
        Collecting collecting = new Collecting(again, sizes);
        Training.Result resumed = Training.run(recipe(broken, 4), true, SETTINGS, again, collecting);

        assertThat(collecting.collected).isTrue();
        assertThat(resumed.epochs()).isEqualTo(expected.epochs()).isGreaterThanOrEqualTo(4);
        for (int e = 1; e < expected.history().size(); e++) {
            MetricsRow a = expected.history().get(e);
            MetricsRow b = resumed.history().get(e);
            assertThat(b.trainLoss()).as("train loss, epoch %d", e + 1).isCloseTo(a.trainLoss(), within(1e-4));
            assertThat(b.valTop1()).as("val top-1, epoch %d", e + 1).isEqualTo(a.valTop1());
        }
        assertThat(resumed.card().accuracy().top1()).isEqualTo(expected.card().accuracy().top1());
    }

    /** At the resumed run's first step: collects garbage, then scribbles over freed native memory. */
    static final class Collecting extends Recording {
        final List<Integer> sizes;
        final List<ByteBuffer> junk = new ArrayList<>();
        boolean collected;

        Collecting(StopSignal stop, List<Integer> sizes) {
            super(stop, -1, -1);
            this.sizes = sizes;
        }

        @Override
        public void update(int epoch, int epochs, int done, int total, double loss, double acc, double ips, double eta) {
            if (collected) {
                return;
            }
            collected = true;
            try {
                for (int i = 0; i < 3; i++) {
                    System.gc();
                    Thread.sleep(100); // the Cleaner frees direct buffers on its own thread
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (int round = 0; round < 4; round++) {
                for (int size : sizes) {
                    ByteBuffer b = ByteBuffer.allocateDirect(size);
                    while (b.hasRemaining()) {
                        b.put((byte) 0x7f);
                    }
                    junk.add(b);
                }
            }
        }
    }

}
