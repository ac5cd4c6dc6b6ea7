package io.vggstream.trainer.model;

/**
 * One step of a VGG network as the builder lays it out; the DJL block and the ONNX exporter both
 * walk the same list, so the trained net and the exported graph cannot drift apart.
 */
public sealed interface Layer {

    /** Layer name, also the prefix of its parameters ({@code conv3_2_weight}). */
    String name();

    /** Parameters this layer holds. */
    long parameterCount();

    /** A conv, stride 1, padding (kernel-1)/2, followed by ReLU. */
    record Conv(String name, int in, int out, int kernel) implements Layer {
        public int padding() {
            return (kernel - 1) / 2;
        }

        @Override
        public long parameterCount() {
            return (long) out * in * kernel * kernel + out;
        }
    }

    /** AlexNet's LRN across channels: size 5, alpha 1e-4 (per element), beta 0.75, k 2. */
    record Lrn(String name) implements Layer {
        public static final int SIZE = 5;
        public static final float ALPHA = 1e-4f;
        public static final float BETA = 0.75f;
        public static final float K = 2f;

        @Override
        public long parameterCount() {
            return 0;
        }
    }

    /** 2x2 max-pool, stride 2. */
    record MaxPool(String name) implements Layer {
        @Override
        public long parameterCount() {
            return 0;
        }
    }

    /**
     * A fully connected layer. As trained it is a matrix {@code [out, in]} over the flattened
     * {@code [inChannels, kernel, kernel]} input; for dense evaluation the same weights are a
     * {@code kernel x kernel} conv. ReLU and dropout follow unless it is the last layer.
     */
    record Fc(String name, int inChannels, int kernel, int out, boolean last) implements Layer {
        public long in() {
            return (long) inChannels * kernel * kernel;
        }

        @Override
        public long parameterCount() {
            return out * in() + out;
        }
    }
}
