package io.vggstream.broker.junit;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * One test's view of the shared test broker: its bootstrap address and topic names that no
 * other test uses.
 */
public final class LocalKafka {

    private final String bootstrapServers;
    private final String scope;

    LocalKafka(String bootstrapServers, String scope) {
        this.bootstrapServers = bootstrapServers;
        this.scope = scope.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** A topic name that is unique to this test, derived from {@code base}; nothing is created. */
    public String uniqueName(String base) {
        return base + "." + scope;
    }

    /** Creates a fresh topic unique to this test and returns its name. */
    public String createTopic(String base, int partitions) {
        return createTopic(base, partitions, Map.of());
    }

    /** Creates a fresh topic unique to this test with topic-level configs and returns its name. */
    public String createTopic(String base, int partitions, Map<String, String> configs) {
        String name = uniqueName(base);
        try (Admin admin = admin()) {
            admin.createTopics(Set.of(new NewTopic(name, partitions, (short) 1).configs(configs)))
                .all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create test topic " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating test topic " + name, e);
        }
        return name;
    }

    /** An admin client on the test broker; the caller closes it. */
    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }
}
