package io.vggstream.onnx;

/**
 * The conventions of the dense-evaluation graph the engine serves, shared by the trainer's export
 * and the import of pretrained VGGs: tensor names, opset, IR version and file name. The graph's
 * input is {@link #INPUT} {@code [N, 3, H, W]}; FC1 is a (crop/32)x(crop/32) conv named
 * {@code fc6}, FC2 and FC3 are 1x1 convs {@code fc7} and {@code fc8}; {@code fc8}'s class-score map
 * is averaged over space ({@code scores}) and soft-maxed ({@link #POSTERIOR}); {@link #FEATURE} is
 * FC2 after ReLU, averaged over space.
 */
public final class DenseGraph {

    public static final String INPUT = "image";
    public static final String POSTERIOR = "posterior";
    public static final String FEATURE = "feature";
    /** ReduceMean takes {@code axes} as an attribute up to opset 17 (an input from 18). */
    public static final int OPSET = 17;
    public static final long IR_VERSION = 8;
    public static final String MODEL_FILE = "model.onnx";

    private DenseGraph() {}
}
