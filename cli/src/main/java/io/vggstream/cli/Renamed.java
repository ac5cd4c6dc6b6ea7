package io.vggstream.cli;

import io.vggstream.trainer.model.VggConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Flags renamed in 0.1: the old spelling keeps working for one release and says on stderr which flag
 * to use instead. {@code --config} is the settings file in every command, the VGG letter is {@code --arch},
 * and the broker is {@code --bootstrap-server} (short {@code -b}).
 */
public final class Renamed {

    private Renamed() {
    }

    /** Says on the command's stderr that {@code old} is now {@code now}. */
    public static void warn(CommandSpec spec, String old, String now) {
        spec.commandLine().getErr().printf("%s: warning: %s is deprecated and goes in the next release; use %s%n",
            spec.qualifiedName(), old, now);
        spec.commandLine().getErr().flush();
    }

    /**
     * Whether a {@code --config} value is the old VGG letter (A, A-LRN, B, C, D, E, B-5x5) rather than a
     * settings file: a letter, unless a file of that name exists.
     */
    public static boolean isVggLetter(String value) {
        try {
            VggConfig.of(value);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return !Files.exists(Path.of(value));
    }
}
