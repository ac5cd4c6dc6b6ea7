package io.vggstream.quantize;

/** A model or calibration set that cannot be quantized; the message says which and why. */
public final class QuantizeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public QuantizeException(String message) {
        super(message);
    }
}
