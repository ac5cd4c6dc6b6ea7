package io.vggstream.trainer.data;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/**
 * A batch assembled on the host: {@code count} images of {@code [3, side, side]} in a direct,
 * native-order buffer that DJL's PyTorch engine wraps without a copy, and their labels. Give it back
 * with {@link BatchLoader#release} once the NDArray made from it is closed.
 *
 * @param index position of the batch in the epoch
 * @param count images in the batch (fewer than the batch size when images were skipped or at the end)
 * @param side image side
 * @param bytes the image data, {@code count * 3 * side * side} floats from position 0
 * @param labels the labels, {@code count} of them
 * @param skipped unreadable images left out of this batch
 */
public record HostBatch(int index, int count, int side, ByteBuffer bytes, int[] labels, int skipped) {

    /** The image data as floats. */
    public FloatBuffer floats() {
        return bytes.duplicate().order(bytes.order()).asFloatBuffer();
    }

    /** The data buffer trimmed to the images present, for {@code NDManager.create}. */
    public ByteBuffer data() {
        ByteBuffer b = bytes.duplicate().order(bytes.order());
        b.position(0).limit(count * 3 * side * side * Float.BYTES);
        return b.slice().order(bytes.order());
    }
}
