package io.vggstream.engine.preprocess;

/**
 * One input tensor for one model: {@code [3, h, w]} float32, RGB, mean subtracted, in 0-255 units.
 *
 * @param model the index of the model in the ensemble
 * @param crop whether it is one of the grid crops (else the dense whole image)
 * @param chw the pixels, channel-major
 */
public record Variant(int model, boolean crop, int h, int w, float[] chw) {
}
