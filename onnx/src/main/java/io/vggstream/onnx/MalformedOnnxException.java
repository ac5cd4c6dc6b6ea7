package io.vggstream.onnx;

import java.io.IOException;
import java.nio.file.Path;

/** A file that is not a well-formed ONNX model, or whose weights cannot be found; the message names the file. */
public final class MalformedOnnxException extends IOException {
    private static final long serialVersionUID = 1L;

    public MalformedOnnxException(Path file, String problem) {
        super(file + ": " + problem);
    }
}
