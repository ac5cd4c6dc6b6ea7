package io.vggstream.imaging;

import java.util.Optional;

/**
 * Checks a PNG's chunk lengths against the bytes it has, before OpenCV sees it: OpenCV 4.14's PNG
 * reader allocates a chunk's declared length up front, so a 1 KB frame whose IDAT declares 2.6 GB
 * took 2.7 GB of native memory and 10-30 s before failing (found by the engine's PreprocessingFuzzTest).
 */
public final class PngChunks {

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private PngChunks() {
    }

    /** Why the PNG's chunks do not fit in its bytes, or empty when they do (or it is not a PNG). */
    public static Optional<String> overrun(byte[] data) {
        if (data.length < SIGNATURE.length) {
            return Optional.empty();
        }
        for (int i = 0; i < SIGNATURE.length; i++) {
            if (data[i] != SIGNATURE[i]) {
                return Optional.empty();
            }
        }
        int at = SIGNATURE.length;
        // A chunk: 4-byte length, 4-byte type, the data, 4-byte CRC.
        while (data.length - at >= 8) {
            long length = ((data[at] & 0xffL) << 24) | ((data[at + 1] & 0xff) << 16) | ((data[at + 2] & 0xff) << 8) | (data[at + 3] & 0xff);
            String type = printable(data, at + 4);
            long left = data.length - at - 12L;
            if (length > left) {
                return Optional.of("PNG chunk '" + type + "' at byte " + at + " declares " + length + " bytes of data but only "
                    + Math.max(0, left) + " follow; refused before decoding");
            }
            if ("IEND".equals(type)) {
                break;
            }
            at += 12 + (int) length;
        }
        return Optional.empty();
    }

    private static String printable(byte[] d, int at) {
        StringBuilder sb = new StringBuilder(4);
        for (int i = at; i < at + 4; i++) {
            int c = d[i] & 0xff;
            sb.append(c >= 0x20 && c < 0x7f ? (char) c : '?');
        }
        return sb.toString();
    }
}
