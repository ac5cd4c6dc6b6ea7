package io.vggstream.trainer.schedule;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SGD with momentum and L2 weight decay, as the paper (momentum 0.9, decay 5e-4): per parameter
 * {@code v = m * v + (g + wd * w); w -= lr * v} (PyTorch's fused update). Unlike DJL's {@code Sgd}
 * it exposes its momentum buffers, so that a checkpoint can save and restore them.
 */
public final class MomentumSgd extends Optimizer {

    private final Tracker learningRate;
    private final float momentum;
    private final Map<String, Map<Device, NDArray>> velocity = new ConcurrentHashMap<>();

    private MomentumSgd(Builder builder) {
        super(builder);
        this.learningRate = builder.learningRate;
        this.momentum = builder.momentum;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        float lr = learningRate.getNewValue(parameterId, updateCount(parameterId));
        NDArray v = withDefaultState(velocity, parameterId, weight.getDevice(), k -> weight.zerosLike());
        weight.getNDArrayInternal().sgdUpdate(new NDList(weight, grad, v), new NDList(weight), lr,
                getWeightDecay(), rescaleGrad, clipGrad, momentum, true);
    }

    /**
     * The momentum buffers (first device), keyed by name through {@code idToName} (parameter id to
     * layer-qualified name), on {@code manager}, for writing out. On the same device these share the
     * live buffers' storage ({@code Tensor.to} does not copy): read them, and close {@code manager},
     * before the next update.
     */
    public Map<String, NDArray> exportVelocity(Map<String, String> idToName, NDManager manager) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        velocity.forEach((id, perDevice) -> {
            String name = idToName.get(id);
            if (name != null && !perDevice.isEmpty()) {
                NDArray copy = perDevice.values().iterator().next().toDevice(manager.getDevice(), true);
                copy.attach(manager);
                copy.setName(name);
                out.put(name, copy);
            }
        });
        return out;
    }

    /**
     * Installs momentum buffers saved by {@link #exportVelocity}, keyed by name through
     * {@code nameToId}: each is a deep copy, detached from any manager, that lives as long as the
     * optimiser, so {@code byName} (and its manager) may be closed once this returns.
     *
     * <p>The copy must be a real one. Arrays decoded from a checkpoint wrap a direct ByteBuffer that
     * only their Java object keeps alive ({@code torch::from_blob}), and {@code toDevice(device,
     * true)} onto the same device and type is PyTorch's {@code Tensor.to}, which aliases instead of
     * copying: the momentum then lived in memory the JVM freed once the decoded array was garbage,
     * and every update wrote into freed native memory (a SIGSEGV or glibc "corrupted double-linked
     * list" an epoch or so after {@code --resume}). {@code duplicate()} is {@code Tensor.clone}: new
     * storage that PyTorch owns.
     */
    public void importVelocity(Map<String, NDArray> byName, Map<String, String> nameToId, Device device) {
        byName.forEach((name, array) -> {
            String id = nameToId.get(name);
            if (id == null) {
                throw new IllegalArgumentException("checkpoint holds momentum for " + name + ", which this net lacks");
            }
            NDArray v = array.toDevice(device, false).duplicate();
            v.detach();
            Map<Device, NDArray> perDevice = new ConcurrentHashMap<>();
            perDevice.put(device, v);
            velocity.put(id, perDevice);
        });
    }

    /** Builder: {@code setLearningRateTracker} is required. */
    public static final class Builder extends OptimizerBuilder<Builder> {
        private Tracker learningRate;
        private float momentum = 0.9f;

        private Builder() {}

        public Builder setLearningRateTracker(Tracker learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        public Builder optMomentum(float momentum) {
            this.momentum = momentum;
            return this;
        }

        @Override
        protected Builder self() {
            return this;
        }

        public MomentumSgd build() {
            if (learningRate == null) {
                throw new IllegalStateException("a learning-rate tracker is required");
            }
            return new MomentumSgd(this);
        }
    }
}
