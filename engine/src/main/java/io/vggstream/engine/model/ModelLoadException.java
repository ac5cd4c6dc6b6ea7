package io.vggstream.engine.model;

import java.nio.file.Path;

/** A model that cannot be served, naming the file at fault. */
public final class ModelLoadException extends IllegalStateException {

    private final transient Path file;

    public ModelLoadException(Path file, String reason) {
        super("model " + file + ": " + reason);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
