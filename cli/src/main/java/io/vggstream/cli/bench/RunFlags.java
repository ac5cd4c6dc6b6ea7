package io.vggstream.cli.bench;

import io.vggstream.benchmarks.bench.BenchModel;
import io.vggstream.benchmarks.frames.SyntheticFrames.Resolution;
import io.vggstream.engine.protocol.Protocol;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The flags that {@code bench} and {@code bench soak} share about how the engine runs (protocol,
 * frame size, threads, batching), each read through a method that fails naming the flag; and the
 * parsing both commands need for durations and for the command line a report quotes.
 */
final class RunFlags {

    @Option(names = {"-p", "--protocol"}, paramLabel = "SPEC", description = "Test-time protocol (default: single scale Q = the model's crop, with flips).")
    String protocol;

    @Option(names = "--resolution", paramLabel = "WxH", description = "JPEG frame size (default 640x480).")
    String resolution = "640x480";

    @Option(names = "--threads", paramLabel = "N", description = "ONNX Runtime intra-op threads (default: all cores).")
    Integer threads;

    @Option(names = "--batch-size", paramLabel = "N", description = "max-batch-size (default 8; in bench, the main point's).")
    int batch = 8;

    @Option(names = "--max-delay", paramLabel = "DURATION", description = "The batcher's max-delay (default 5ms; in bench, the main point's).")
    String maxDelay = "5ms";

    /** {@code --protocol}, or single scale at the model's crop; checked against the model's card. */
    Protocol protocol(CommandLine cl, BenchModel model) {
        try {
            Protocol p = Protocol.parse(protocol != null ? protocol : "single,scales=" + model.model().card().crop());
            p.scalesFor(model.model().card());
            return p;
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, "--protocol: " + e.getMessage());
        }
    }

    Resolution resolution(CommandLine cl) {
        try {
            return Resolution.parse(resolution);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, "--resolution: " + e.getMessage());
        }
    }

    /** {@code --threads}, or {@code cores} when not given. */
    int threads(CommandLine cl, int cores) {
        return threads == null ? cores : positive(cl, "--threads", threads);
    }

    int batch(CommandLine cl) {
        return positive(cl, "--batch-size", batch);
    }

    Duration maxDelay(CommandLine cl) {
        return duration(cl, "--max-delay", maxDelay);
    }

    static int positive(CommandLine cl, String flag, int v) {
        if (v < 1) {
            throw new CommandLine.ParameterException(cl, flag + ": must be at least 1, got " + v);
        }
        return v;
    }

    /** A duration as HOCON writes it (5ms, 2s, 10m) or ISO-8601 (PT2S); not negative. */
    static Duration duration(CommandLine cl, String flag, String text) {
        try {
            Duration d = text.startsWith("P") || text.startsWith("p") ? Duration.parse(text)
                : com.typesafe.config.ConfigFactory.parseString("d = " + text).getDuration("d");
            if (d.isNegative()) {
                throw new IllegalArgumentException();
            }
            return d;
        } catch (RuntimeException e) {
            throw new CommandLine.ParameterException(cl, flag + ": '" + text + "' is not a duration (e.g. 5ms, 2s, 10m)");
        }
    }

    /**
     * The command as a reader would retype it: {@code ./vggstream} and the subcommand path, then this
     * run's arguments without the flags that only say where its files go.
     */
    static String retypable(CommandLine cl, String path, List<String> placeFlags) {
        List<String> args = new ArrayList<>(cl.getParseResult().originalArgs());
        for (String word : path.split(" ")) {
            if (!args.isEmpty() && args.get(0).equals(word)) {
                args.remove(0);
            }
        }
        for (String flag : placeFlags) {
            int i = args.indexOf(flag);
            if (i >= 0) {
                args.remove(i);
                if (i < args.size()) {
                    args.remove(i);
                }
            }
            args.removeIf(a -> a.startsWith(flag + "="));
        }
        return ("./vggstream " + path + " " + String.join(" ", args)).strip();
    }
}
