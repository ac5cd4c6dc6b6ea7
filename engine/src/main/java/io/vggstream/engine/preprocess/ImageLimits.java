package io.vggstream.engine.preprocess;

/**
 * What one frame may cost, checked on the declared size before decoding (and again on the decoded
 * size): {@code vggstream.engine.max-image-pixels}, {@code min-image-side}, {@code max-aspect-ratio}
 * and {@code max-tensor-pixels}.
 *
 * @param maxImagePixels the most pixels of the image as sent (decompression bombs)
 * @param minImageSide the least smaller side
 * @param maxAspectRatio the most long side over short side (an extreme aspect ratio makes a huge rescaled image)
 * @param maxTensorPixels the most pixels of the frame's rescaled images, summed over the distinct Q of the protocol
 */
public record ImageLimits(long maxImagePixels, int minImageSide, double maxAspectRatio, long maxTensorPixels) {

    /** The defaults of reference.conf for the limits not given. */
    public static final double DEFAULT_MAX_ASPECT_RATIO = 10;
    public static final long DEFAULT_MAX_TENSOR_PIXELS = 4_000_000;

    public ImageLimits {
        if (maxImagePixels < 1 || minImageSide < 1 || maxTensorPixels < 1 || !(maxAspectRatio >= 1)) {
            throw new IllegalArgumentException("image limits must be positive and the aspect ratio at least 1: " + maxImagePixels + " pixels, side "
                + minImageSide + ", aspect " + maxAspectRatio + ", tensor " + maxTensorPixels);
        }
    }

    /** {@code maxImagePixels} and {@code minImageSide} with the other limits at their defaults. */
    public static ImageLimits of(long maxImagePixels, int minImageSide) {
        return new ImageLimits(maxImagePixels, minImageSide, DEFAULT_MAX_ASPECT_RATIO, DEFAULT_MAX_TENSOR_PIXELS);
    }
}
