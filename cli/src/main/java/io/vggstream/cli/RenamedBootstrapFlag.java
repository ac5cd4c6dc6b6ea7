package io.vggstream.cli;

import java.util.function.Consumer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The broker's old spelling, {@code --bootstrap}, in the commands that take {@code -b}/{@code
 * --bootstrap-server} ({@code run}, {@code bench}, {@code bench soak}): it still works for one
 * release and warns. The new flag stays in each command, whose description says what its default is.
 */
public final class RenamedBootstrapFlag {

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    private final Consumer<String> bootstrapServer;

    /** @param bootstrapServer where the value goes: the command's {@code --bootstrap-server} */
    public RenamedBootstrapFlag(Consumer<String> bootstrapServer) {
        this.bootstrapServer = bootstrapServer;
    }

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", hidden = true, description = "Renamed --bootstrap-server.")
    void bootstrap(String servers) {
        Renamed.warn(mixee, "--bootstrap", "--bootstrap-server");
        bootstrapServer.accept(servers);
    }
}
