package io.vggstream.cli;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --config FILE}, the settings file, in the commands where {@code --config} was once the VGG
 * letter ({@code bench}, {@code bench soak}, {@code train}): a letter after {@code --config} still
 * works for one release, goes to the command's {@code --arch}, and warns; so does the old
 * {@code --settings FILE}. A mixin, so that the old spellings are handled in one place.
 */
public final class SettingsFileFlags {

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    private final Consumer<String> arch;
    private Path file;
    private String flag = "--config";
    private boolean gaveLetter;

    /** @param arch where a VGG letter given the old way ({@code --config D}) goes: the command's {@code --arch} */
    public SettingsFileFlags(Consumer<String> arch) {
        this.arch = arch;
    }

    @Option(names = "--config", paramLabel = "FILE",
        description = "A HOCON settings file over the defaults (see the modules' reference.conf); an unknown key fails naming it.")
    void config(String value) {
        if (Renamed.isVggLetter(value)) {
            // Before 0.1, --config was the VGG letter.
            Renamed.warn(mixee, "--config " + value + " (a VGG configuration)", "--arch " + value);
            arch.accept(value);
            gaveLetter = true;
        } else {
            file = Path.of(value);
            flag = "--config";
        }
    }

    @Option(names = "--settings", paramLabel = "FILE", hidden = true, description = "Renamed --config.")
    void settings(Path value) {
        Renamed.warn(mixee, "--settings", "--config");
        file = value;
        flag = "--settings";
    }

    /** Whether {@code --config} was given a VGG letter (the old way to say {@code --arch}), not a settings file. */
    public boolean gaveVggLetter() {
        return gaveLetter;
    }

    /** The settings file, when one was given. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /** The flag that gave the settings file ({@code --config}, or the old {@code --settings}), for an error that names it. */
    public String flag() {
        return flag;
    }
}
