package io.vggstream.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;

/**
 * AlexNet's Local Response Normalisation across channels, which DJL lacks:
 * {@code b_c = a_c / (k + alpha * sum_{c' in [c-2, c+2]} a_c'^2)^beta} with the paper's
 * size 5, alpha 1e-4, beta 0.75, k 2. ONNX's {@code LRN} divides alpha by the size, so the same
 * layer there has {@code alpha = 5e-4}.
 */
public final class Lrn {

    private Lrn() {}

    /** Applies LRN to an {@code [N, C, H, W]} array; differentiable. */
    public static NDArray apply(NDArray x) {
        Shape s = x.getShape();
        long n = s.get(0);
        long c = s.get(1);
        long hw = s.get(2) * s.get(3);
        int half = (Layer.Lrn.SIZE - 1) / 2;
        // The channel window sum as an average pool over a [N, 1, C, H*W] view, zero-padded.
        NDArray squares = x.square().reshape(n, 1, c, hw);
        NDArray mean = Pool.avgPool2d(squares, new Shape(Layer.Lrn.SIZE, 1), new Shape(1, 1),
                new Shape(half, 0), false, true);
        NDArray denominator = mean.mul(Layer.Lrn.ALPHA * Layer.Lrn.SIZE).add(Layer.Lrn.K).pow(Layer.Lrn.BETA);
        return x.div(denominator.reshape(s));
    }
}
