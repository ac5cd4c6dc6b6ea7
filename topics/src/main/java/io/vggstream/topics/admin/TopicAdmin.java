package io.vggstream.topics.admin;

import io.vggstream.topics.KafkaLimits;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import io.vggstream.topics.TopicsSettings.TopicSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates the contract's topics, or checks that existing ones fit it: an existing topic whose
 * {@code max.message.bytes} cannot hold a frame, or that compacts instead of deleting, is a
 * problem; a different partition count or retention is only reported.
 */
public final class TopicAdmin implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Admin admin;
    private final TopicsSettings settings;

    public TopicAdmin(Admin admin, TopicsSettings settings) {
        this.admin = admin;
        this.settings = settings;
    }

    public static TopicAdmin create(KafkaSettings kafka, TopicsSettings settings) {
        return new TopicAdmin(Admin.create(KafkaLimits.admin(kafka)), settings);
    }

    /** What happened to, or was found about, one topic. */
    public enum State { CREATED, EXISTS, MISSING }

    /**
     * One topic's report.
     *
     * @param problems reasons the topic cannot carry the contract (empty when it can)
     * @param notes differences from the settings that do not stop anything
     */
    public record TopicReport(String role, String name, State state, int partitions, int replicationFactor,
                              Map<String, String> configs, List<String> problems, List<String> notes) {
        public boolean fits() {
            return state != State.MISSING && problems.isEmpty();
        }
    }

    /** Creates the topics that are missing and checks the others. */
    public List<TopicReport> ensure() {
        List<NewTopic> missing = new ArrayList<>();
        for (TopicSpec spec : settings.all()) {
            if (!exists(spec.name())) {
                missing.add(new NewTopic(spec.name(), spec.partitions(), settings.replicationFactor())
                    .configs(settings.topicConfigs(spec)));
            }
        }
        Set<String> created = missing.stream().map(NewTopic::name).collect(Collectors.toSet());
        if (!missing.isEmpty()) {
            admin.createTopics(missing).values().forEach((name, f) -> {
                try {
                    await(f);
                } catch (KafkaException e) {
                    // Someone else created it in between: check it like any existing topic.
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                    created.remove(name);
                }
            });
        }
        // A producer to a partition without a leader yet can lose its first batch (KAFKA-15591).
        PartitionLeaders.await(admin, created, TIMEOUT);
        return describe(created);
    }

    /** Reports on the topics without changing anything. */
    public List<TopicReport> describe() {
        return describe(Set.of());
    }

    private List<TopicReport> describe(Collection<String> created) {
        List<TopicReport> reports = new ArrayList<>();
        for (TopicSpec spec : settings.all()) {
            if (!exists(spec.name())) {
                reports.add(new TopicReport(spec.role(), spec.name(), State.MISSING, 0, 0, Map.of(),
                    List.of("topic does not exist; run `vggstream topics create`"), List.of()));
                continue;
            }
            TopicDescription d = await(admin.describeTopics(Set.of(spec.name())).topicNameValues().get(spec.name()));
            ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, spec.name());
            Config config = await(admin.describeConfigs(Set.of(res)).values().get(res));
            Map<String, String> configs = new TreeMap<>();
            for (ConfigEntry e : config.entries()) {
                configs.put(e.name(), e.value());
            }
            int partitions = d.partitions().size();
            int rf = d.partitions().isEmpty() ? 0 : d.partitions().get(0).replicas().size();
            reports.add(new TopicReport(spec.role(), spec.name(),
                created.contains(spec.name()) ? State.CREATED : State.EXISTS, partitions, rf, configs,
                problems(spec, configs), notes(spec, partitions, rf, configs)));
        }
        return reports;
    }

    private List<String> problems(TopicSpec spec, Map<String, String> configs) {
        List<String> p = new ArrayList<>();
        long maxMessage = parseLong(configs.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG), -1);
        if (maxMessage >= 0 && maxMessage < settings.maxRecordBytes()) {
            p.add(TopicConfig.MAX_MESSAGE_BYTES_CONFIG + " is " + maxMessage + " but a frame record needs " + settings.maxRecordBytes()
                + "; raise it: kafka-configs --alter --entity-type topics --entity-name " + spec.name()
                + " --add-config max.message.bytes=" + settings.maxRecordBytes());
        }
        String policy = configs.getOrDefault(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
        if (!policy.contains(TopicConfig.CLEANUP_POLICY_DELETE)) {
            p.add(TopicConfig.CLEANUP_POLICY_CONFIG + " is '" + policy + "'; the " + spec.role() + " topic must delete by retention, not compact");
        }
        return p;
    }

    private List<String> notes(TopicSpec spec, int partitions, int rf, Map<String, String> configs) {
        List<String> n = new ArrayList<>();
        if (partitions != spec.partitions()) {
            n.add("has " + partitions + " partitions, settings say " + spec.partitions());
        }
        if (rf != settings.replicationFactor()) {
            n.add("has replication factor " + rf + ", settings say " + settings.replicationFactor());
        }
        long retention = parseLong(configs.get(TopicConfig.RETENTION_MS_CONFIG), -2);
        if (retention != spec.retention().toMillis()) {
            n.add("retention.ms is " + retention + ", settings say " + spec.retention().toMillis());
        }
        return n;
    }

    private boolean exists(String topic) {
        try {
            await(admin.describeTopics(Set.of(topic)).topicNameValues().get(topic));
            return true;
        } catch (KafkaException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false;
            }
            throw e;
        }
    }

    private static long parseLong(String s, long otherwise) {
        try {
            return s == null ? otherwise : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    private static <T> T await(org.apache.kafka.common.KafkaFuture<T> f) {
        try {
            return f.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new KafkaException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaException("Kafka did not answer within " + TIMEOUT + " (is the broker up? `vggstream kafka status`)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while talking to Kafka", e);
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
