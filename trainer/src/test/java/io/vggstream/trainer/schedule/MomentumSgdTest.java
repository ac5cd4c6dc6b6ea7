package io.vggstream.trainer.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.tracker.Tracker;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MomentumSgdTest {

    /**
     * The resume bug: arrays decoded from a checkpoint wrap a direct ByteBuffer that only their
     * Java object keeps alive ({@code torch::from_blob}); {@code toDevice(cpu, true)} onto the same
     * device and type is {@code Tensor.to}, which aliases instead of copying. The imported momentum
     * then lived in memory the JVM freed once the decoded array was garbage: SGD wrote into freed
     * native memory (SIGSEGV, glibc "corrupted double-linked list") epochs after a resume.
     */
    @Test
    void shouldOwnImportedMomentumOnceTheDecodedArraysAreGone() throws Exception {
        float[] values = {1, 2, 3, 4, 5, 6};
        try (NDManager base = NDManager.newBaseManager(Device.cpu())) {
            MomentumSgd sgd = MomentumSgd.builder().setLearningRateTracker(Tracker.fixed(0.1f)).build();
            byte[] encoded;
            try (NDManager m = base.newSubManager()) {
                NDArray a = m.create(values, new ai.djl.ndarray.types.Shape(2, 3));
                a.setName("conv1_1_weight");
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                new NDList(a).encode(bytes);
                encoded = bytes.toByteArray();
            }
            try (NDManager m = base.newSubManager()) {
                Map<String, NDArray> byName = new LinkedHashMap<>();
                for (NDArray a : NDList.decode(m, new ByteArrayInputStream(encoded))) {
                    byName.put(a.getName(), a);
                }
                sgd.importVelocity(byName, Map.of("conv1_1_weight", "id-1"), Device.cpu());
                // whatever happens to the decoded array (closed, collected, its buffer reused) must not
                // reach the optimiser's buffer
                byName.get("conv1_1_weight").muli(0);
            }
            try (NDManager m = base.newSubManager()) {
                Map<String, NDArray> out = sgd.exportVelocity(Map.of("id-1", "conv1_1_weight"), m);
                assertThat(out).containsOnlyKeys("conv1_1_weight");
                assertThat(out.get("conv1_1_weight").toFloatArray()).containsExactly(values);
            }
        }
    }
}
