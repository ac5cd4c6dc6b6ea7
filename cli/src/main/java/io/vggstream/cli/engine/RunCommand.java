package io.vggstream.cli.engine;

import io.vggstream.cli.RenamedBootstrapFlag;
import io.vggstream.engine.settings.EngineSettings;
import io.vggstream.engine.settings.EnrichSettings;
import io.vggstream.engine.ops.OpsSettings;
import io.vggstream.engine.serve.Serve;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vggstream run}: flags over {@link Serve}, the streaming engine, until Ctrl-C or SIGTERM, which drain it cleanly. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Run the streaming engine: frames from Kafka, predictions and dead letters back to Kafka.",
        "Runs until Ctrl-C or SIGTERM, then finishes and commits the frames in flight and exits 0 (a second signal: at once, 128+signal)."})
public final class RunCommand implements Callable<Integer> {

    @Mixin
    EngineOptions options = new EngineOptions();

    @Option(names = {"-b", "--bootstrap-server"}, paramLabel = "HOST:PORT",
        description = "Kafka bootstrap servers (default: vggstream.kafka.bootstrap-servers, 127.0.0.1:9092).")
    String bootstrap;

    @Mixin
    RenamedBootstrapFlag oldBootstrap = new RenamedBootstrapFlag(servers -> bootstrap = servers);

    @Option(names = "--group-id", paramLabel = "ID", description = "Consumer group (default: vggstream.engine.group-id).")
    String groupId;

    @Option(names = "--exactly-once",
        description = "Outputs and offsets in Kafka transactions: exactly one output per frame for read-committed consumers"
            + " (default: vggstream.engine.delivery, at-least-once).")
    boolean exactlyOnce;

    @Option(names = "--enrich", description = "Also enrich JSON events (vggstream.engine.enrich: topics, image field, encoding).")
    boolean enrich;

    @Option(names = "--ops-port", paramLabel = "PORT",
        description = "Port of /metrics, /health/live and /health/ready; 0 = off (default: vggstream.engine.ops.port, 9464).")
    Integer opsPort;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        EngineSettings settings = options.settings();
        if (groupId != null) {
            settings = settings.withGroupId(groupId);
        }
        if (exactlyOnce) {
            settings = settings.withDelivery(new io.vggstream.engine.settings.Delivery(true,
                settings.delivery().transactionalId()));
        }
        KafkaSettings kafka = KafkaSettings.from(options.config());
        if (bootstrap != null) {
            kafka = kafka.withBootstrapServers(bootstrap);
        }
        EnrichSettings enrichSettings = EnrichSettings.from(options.config());
        if (enrich) {
            enrichSettings = enrichSettings.enabled(true);
        }
        OpsSettings ops = OpsSettings.from(options.config());
        if (opsPort != null) {
            ops = ops.withPort(opsPort);
        }
        Serve.run(new Serve.Options(settings, kafka, TopicsSettings.from(options.config()), enrichSettings, ops, options.config()),
            spec.commandLine().getOut());
        return 0;
    }
}
