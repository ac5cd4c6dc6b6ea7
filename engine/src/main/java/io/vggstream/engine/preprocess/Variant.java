package io.vggstream.engine.preprocess;

import io.vggstream.imaging.Chw;

/**
 * One input tensor for one model: {@code [3, h, w]} float32, normalised as the model's card says.
 * Its floats are not made here: the inference worker has {@code tensor} write them straight into
 * the batch's direct buffer (no {@code float[]} per variant, no copy).
 *
 * @param model the index of the model in the ensemble
 * @param crop whether it is one of the grid crops (else the dense whole image)
 * @param tensor the window of the rescaled image that writes the pixels, channel-major
 */
public record Variant(int model, boolean crop, int h, int w, Chw tensor) {

    /** Its floats in a new array, channel-major (tests, the benchmark's ceiling): what the worker writes into a batch. */
    public float[] chw() {
        return tensor.toArray();
    }
}
