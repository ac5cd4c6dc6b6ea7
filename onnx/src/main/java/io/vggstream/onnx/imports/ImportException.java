package io.vggstream.onnx.imports;

/**
 * A model the import refuses, or options it cannot honour. The message says why, naming the node
 * (op type and name) when a node is the reason; {@link #flag()} names the option at fault, if any.
 */
public final class ImportException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String flag;

    public ImportException(String message) {
        this(message, null);
    }

    public ImportException(String message, String flag) {
        super(message);
        this.flag = flag;
    }

    /** The command-line flag at fault ({@code --classes}, {@code --crop}, ...), or null. */
    public String flag() {
        return flag;
    }
}
