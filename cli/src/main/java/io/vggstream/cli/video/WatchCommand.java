package io.vggstream.cli.video;

import io.vggstream.cli.KafkaOptions;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import io.vggstream.video.Terminal;
import io.vggstream.video.VideoException;
import io.vggstream.video.watch.WatchOptions;
import io.vggstream.video.watch.WatchSummary;
import io.vggstream.video.watch.Watcher;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vggstream watch}: a thin command over {@link Watcher}. */
@Command(name = "watch", mixinStandardHelpOptions = true, sortOptions = false,
    description = "A live view of the predictions topic: per stream the latest top-1 with its probability, frames/s, the"
        + " median capture-to-prediction latency and, when frames carry labels, the running accuracy. Redrawn in place on a"
        + " terminal, plain lines otherwise; ends with a summary (at Ctrl-C, --limit or --duration).")
public final class WatchCommand implements Callable<Integer> {

    @Option(names = "--from-beginning", description = "Read the topic from its start (default: from now).")
    boolean fromBeginning;

    @Option(names = "--limit", paramLabel = "N", description = "Stop after N predictions.")
    Long limit;

    @Option(names = "--duration", paramLabel = "DURATION", description = "Stop after this long: 30s, 5m, PT1M.")
    String duration;

    @Option(names = "--stream", paramLabel = "ID", description = "Watch only this stream (repeatable; default: all).")
    List<String> streams = List.of();

    @Option(names = "--topic", paramLabel = "NAME", description = "The predictions topic (default: vggstream.topics.predictions.name).")
    String topic;

    @Option(names = "--plain", description = "Plain lines even on a terminal.")
    boolean plain;

    @Mixin
    KafkaOptions kafkaOptions = new KafkaOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        WatchOptions options = Commands.options(spec, this::options);
        KafkaSettings kafka = Commands.options(spec, kafkaOptions::kafka);
        TopicsSettings topics = Commands.options(spec, kafkaOptions::topics);
        try (Watcher watcher = Watcher.open(options, kafka, topics)) {
            CountDownLatch done = new CountDownLatch(1);
            Thread hook = Commands.onShutdown("watch", watcher::stop, done, 10);
            try {
                WatchSummary s = watcher.run(out);
                out.println(s.summary());
                out.flush();
                return 0;
            } finally {
                done.countDown();
                Commands.removeHook(hook);
            }
        } catch (VideoException e) {
            err.println("watch: " + e.getMessage());
            err.flush();
            return 1;
        }
    }

    private WatchOptions options() {
        WatchOptions o = WatchOptions.from(kafkaOptions.config())
            .withView(!plain && Terminal.stdoutIsTerminal() ? WatchOptions.View.ANSI : WatchOptions.View.PLAIN);
        if (topic != null) {
            o = o.withTopic(topic);
        }
        if (fromBeginning) {
            o = o.withFromBeginning(true);
        }
        if (limit != null) {
            o = o.withLimit(limit);
        }
        if (duration != null) {
            o = o.withDuration(duration(duration));
        }
        if (!streams.isEmpty()) {
            o = o.withStreams(Set.copyOf(streams));
        }
        return o;
    }

    /** {@code 30s}, {@code 5m}, {@code 1.5h} (HOCON durations) or ISO-8601 {@code PT30S}. */
    static Duration duration(String text) {
        try {
            return text.startsWith("P") || text.startsWith("p") ? Duration.parse(text)
                : com.typesafe.config.ConfigFactory.parseString("d = \"" + text.replace("\"", "") + "\"").getDuration("d");
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--duration: '" + text + "' is not a duration (e.g. 30s, 5m, PT1M)");
        }
    }
}
