package io.vggstream.cli.topics;

import io.vggstream.cli.KafkaOptions;
import io.vggstream.topics.admin.TopicAdmin;
import io.vggstream.topics.admin.TopicAdmin.TopicReport;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code vggstream topics create|describe}: the contract's three topics on a broker. */
@Command(name = "topics", mixinStandardHelpOptions = true,
    description = "Create or describe the frames, predictions and dead-letter topics.",
    subcommands = {TopicsCommand.Create.class, TopicsCommand.Describe.class})
public final class TopicsCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing a subcommand: create or describe.");
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
        description = "Create the topics that are missing and check that existing ones fit the contract. Exit code 1 if one does not.")
    static final class Create implements Callable<Integer> {
        @CommandLine.Mixin
        KafkaOptions settings = new KafkaOptions();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try (TopicAdmin admin = TopicAdmin.create(settings.kafka(), settings.topics())) {
                return print(spec.commandLine().getOut(), admin.ensure(), settings.kafka().bootstrapServers());
            }
        }
    }

    @Command(name = "describe", mixinStandardHelpOptions = true,
        description = "Show the topics, their partitions and settings, and what does not fit. Exit code 1 if one is missing or does not fit.")
    static final class Describe implements Callable<Integer> {
        @CommandLine.Mixin
        KafkaOptions settings = new KafkaOptions();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try (TopicAdmin admin = TopicAdmin.create(settings.kafka(), settings.topics())) {
                return print(spec.commandLine().getOut(), admin.describe(), settings.kafka().bootstrapServers());
            }
        }
    }

    static int print(PrintWriter out, List<TopicReport> reports, String bootstrap) {
        out.printf("Topics on %s:%n", bootstrap);
        out.printf("  %-12s %-28s %-8s %10s %3s %14s %16s%n", "ROLE", "NAME", "STATE", "PARTITIONS", "RF", "RETENTION.MS", "MAX.MESSAGE.BYTES");
        boolean ok = true;
        for (TopicReport r : reports) {
            out.printf("  %-12s %-28s %-8s %10s %3s %14s %16s%n", r.role(), r.name(), r.state(),
                r.partitions() == 0 ? "-" : Integer.toString(r.partitions()),
                r.replicationFactor() == 0 ? "-" : Integer.toString(r.replicationFactor()),
                r.configs().getOrDefault("retention.ms", "-"), r.configs().getOrDefault("max.message.bytes", "-"));
            r.problems().forEach(p -> out.printf("    problem: %s%n", p));
            r.notes().forEach(n -> out.printf("    note: %s%n", n));
            ok &= r.fits();
        }
        return ok ? 0 : 1;
    }
}
