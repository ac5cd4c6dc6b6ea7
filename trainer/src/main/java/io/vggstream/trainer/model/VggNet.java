package io.vggstream.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A VGG network as a DJL block: the convs of {@link VggSpec#layers()} (each followed by ReLU), LRN
 * for A-LRN, 2x2 max-pools, then FC1 and FC2 (ReLU, dropout) and FC3, giving class scores (logits).
 * Children are named after the paper's layers ({@code conv3_2}, {@code fc6}), so parameters are
 * {@code conv3_2_weight}, {@code fc6_bias} and so on.
 *
 * <p>{@link #dense(NDArray)} runs the same weights as the paper's dense evaluation (FC layers as
 * convs, the class-score map averaged over space, softmax): what the exported ONNX graph computes.
 */
public final class VggNet extends AbstractBlock {

    private static final byte VERSION = 1;
    private static final Shape ONE = new Shape(1, 1);
    private static final Shape TWO = new Shape(2, 2);

    private final VggSpec spec;
    private final List<Layer> layers;
    private final float dropout;
    private final Map<String, Block> blocks = new LinkedHashMap<>();

    private VggNet(Builder builder) {
        super(VERSION);
        this.spec = new VggSpec(builder.config, builder.width, builder.fc, builder.classes, builder.crop);
        this.layers = spec.layers();
        this.dropout = builder.dropout;
        for (Layer layer : layers) {
            if (layer instanceof Layer.Conv conv) {
                blocks.put(conv.name(), addChildBlock(conv.name(), Conv2d.builder()
                        .setKernelShape(new Shape(conv.kernel(), conv.kernel()))
                        .optPadding(new Shape(conv.padding(), conv.padding()))
                        .setFilters(conv.out())
                        .build()));
            } else if (layer instanceof Layer.Fc fc) {
                blocks.put(fc.name(), addChildBlock(fc.name(), Linear.builder().setUnits(fc.out()).build()));
            }
        }
    }

    /** A builder; {@code setConfig} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The network laid out by {@code spec}, with the paper's dropout 0.5. */
    public static VggNet of(VggSpec spec) {
        return builder().setConfig(spec.config()).optWidth(spec.width()).optFc(spec.fc())
                .optClasses(spec.classes()).optCrop(spec.crop()).build();
    }

    public VggSpec spec() {
        return spec;
    }

    /** The layer list this block runs. */
    public List<Layer> layers() {
        return layers;
    }

    /** The weight or bias array of a named layer, e.g. {@code ("fc6", "weight")}. */
    public NDArray parameter(String layer, String kind) {
        Block child = blocks.get(layer);
        if (child == null) {
            throw new IllegalArgumentException("no layer " + layer + " in " + spec);
        }
        return child.getParameters().get(kind).getArray();
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        for (Layer layer : layers) {
            if (layer instanceof Layer.Conv conv) {
                x = Activation.relu(blocks.get(conv.name()).forward(store, new NDList(x), training).head());
            } else if (layer instanceof Layer.Lrn) {
                x = Lrn.apply(x);
            } else if (layer instanceof Layer.MaxPool) {
                x = Pool.maxPool2d(x, TWO, TWO, new Shape(0, 0), false);
            } else if (layer instanceof Layer.Fc fc) {
                if (fc.name().equals("fc6")) {
                    checkCropInput(x.getShape(), fc);
                    x = x.reshape(x.getShape().get(0), -1);
                }
                x = blocks.get(fc.name()).forward(store, new NDList(x), training).head();
                if (!fc.last()) {
                    x = Activation.relu(x);
                    if (training && dropout > 0) {
                        x = Dropout.dropout(x, dropout, true).head();
                    }
                }
            }
        }
        return new NDList(x);
    }

    /**
     * Dense evaluation, inference only: FC1 as a (crop/32)x(crop/32) conv, FC2 and FC3 as 1x1
     * convs over any input at least crop x crop; class scores averaged over space, then softmax.
     *
     * @param input {@code [N, 3, H, W]}, mean-subtracted RGB in 0-255 units
     * @return the posterior {@code [N, classes]} and the FC2 feature {@code [N, fc]}
     */
    public NDList dense(NDArray input) {
        Shape s = input.getShape();
        if (s.dimension() != 4 || s.get(1) != 3 || s.get(2) < spec.crop() || s.get(3) < spec.crop()) {
            throw new IllegalArgumentException("dense evaluation needs [N, 3, H, W] with H, W >= "
                    + spec.crop() + ", got " + s);
        }
        NDArray x = input;
        NDArray feature = null;
        for (Layer layer : layers) {
            if (layer instanceof Layer.Conv conv) {
                Shape pad = new Shape(conv.padding(), conv.padding());
                x = Activation.relu(Conv2d.conv2d(x, parameter(conv.name(), "weight"),
                        parameter(conv.name(), "bias"), ONE, pad, ONE, 1).head());
            } else if (layer instanceof Layer.Lrn) {
                x = Lrn.apply(x);
            } else if (layer instanceof Layer.MaxPool) {
                x = Pool.maxPool2d(x, TWO, TWO, new Shape(0, 0), false);
            } else if (layer instanceof Layer.Fc fc) {
                NDArray w = parameter(fc.name(), "weight").reshape(fc.out(), fc.inChannels(), fc.kernel(), fc.kernel());
                x = Conv2d.conv2d(x, w, parameter(fc.name(), "bias"), ONE, new Shape(0, 0), ONE, 1).head();
                if (!fc.last()) {
                    x = Activation.relu(x);
                }
                if (fc.name().equals("fc7")) {
                    feature = spatialMean(x);
                }
            }
        }
        NDArray posterior = spatialMean(x).softmax(1);
        return new NDList(posterior, feature);
    }

    /** Mean over H and W of {@code [N, C, H, W]} (PyTorch's mean takes one axis at a time). */
    private static NDArray spatialMean(NDArray x) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), s.get(1), s.get(2) * s.get(3)).mean(new int[] {2});
    }

    private void checkCropInput(Shape s, Layer.Fc fc6) {
        if (s.get(2) != fc6.kernel() || s.get(3) != fc6.kernel()) {
            throw new IllegalArgumentException("the classifier net takes " + spec.crop() + "x" + spec.crop()
                    + " crops (FC1 sees " + fc6.kernel() + "x" + fc6.kernel() + "), got a map of "
                    + s.get(2) + "x" + s.get(3) + "; use dense() for other sizes");
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), spec.classes())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape s = inputShapes[0];
        if (s.dimension() != 4 || s.get(1) != 3 || s.get(2) != spec.crop() || s.get(3) != spec.crop()) {
            throw new IllegalArgumentException("initialise with [N, 3, " + spec.crop() + ", " + spec.crop()
                    + "], got " + s);
        }
        for (Layer layer : layers) {
            if (layer instanceof Layer.Conv conv) {
                Block child = blocks.get(conv.name());
                child.initialize(manager, dataType, s);
                s = child.getOutputShapes(new Shape[] {s})[0];
            } else if (layer instanceof Layer.MaxPool) {
                s = new Shape(s.get(0), s.get(1), s.get(2) / 2, s.get(3) / 2);
            } else if (layer instanceof Layer.Fc fc) {
                if (fc.name().equals("fc6")) {
                    s = new Shape(s.get(0), s.get(1) * s.get(2) * s.get(3));
                }
                Block child = blocks.get(fc.name());
                child.initialize(manager, dataType, s);
                s = child.getOutputShapes(new Shape[] {s})[0];
            }
        }
    }

    /**
     * Parameters keyed by the paper's layer names, {@code conv1_1_weight} ... {@code fc8_bias}, in
     * layer order (DJL's own keys carry a child-number prefix).
     */
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> named = new LinkedHashMap<>();
        blocks.forEach((layer, block) -> block.getParameters()
                .forEach(p -> named.put(layer + "_" + p.getKey(), p.getValue())));
        return named;
    }

    /** Sum of the sizes of all parameter arrays (after initialisation). */
    public long initializedParameterCount() {
        return getParameters().values().stream().map(Parameter::getArray).mapToLong(NDArray::size).sum();
    }

    /** Builder in DJL's style: {@code setX} required, {@code optX} optional. */
    public static final class Builder {
        private VggConfig config;
        private double width = 1.0;
        private int fc = 4096;
        private int classes = 1000;
        private int crop = 224;
        private float dropout = 0.5f;

        private Builder() {}

        public Builder setConfig(VggConfig config) {
            this.config = config;
            return this;
        }

        public Builder optWidth(double width) {
            this.width = width;
            return this;
        }

        public Builder optFc(int fc) {
            this.fc = fc;
            return this;
        }

        public Builder optClasses(int classes) {
            this.classes = classes;
            return this;
        }

        public Builder optCrop(int crop) {
            this.crop = crop;
            return this;
        }

        /** Dropout rate after FC1 and FC2 while training (the paper's 0.5). */
        public Builder optDropout(float dropout) {
            if (!(dropout >= 0 && dropout < 1)) {
                throw new IllegalArgumentException("dropout must be in [0, 1), was " + dropout);
            }
            this.dropout = dropout;
            return this;
        }

        public VggNet build() {
            return new VggNet(this);
        }
    }
}
