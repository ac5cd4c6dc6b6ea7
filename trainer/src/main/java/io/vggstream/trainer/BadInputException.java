package io.vggstream.trainer;

/**
 * Input the trainer cannot work with: a missing or empty dataset, a class folder without images,
 * a crop that is not a multiple of 32, a scale below the crop, an unknown config. The message names
 * the file or value; {@link #flag()} names the command-line flag it came from, when known, so the
 * CLI can report it as a usage error.
 */
public class BadInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String flag;

    public BadInputException(String flag, String message) {
        this(flag, message, null);
    }

    public BadInputException(String flag, String message, Throwable cause) {
        super(message, cause);
        this.flag = flag;
    }

    /** The flag, e.g. {@code --data}, or null when the input did not come from a flag. */
    public String flag() {
        return flag;
    }
}
