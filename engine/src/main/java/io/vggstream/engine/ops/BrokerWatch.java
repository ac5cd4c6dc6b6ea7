package io.vggstream.engine.ops;

import io.vggstream.topics.KafkaLimits;
import io.vggstream.topics.KafkaSettings;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether Kafka can be used, and if not, where and why: every few seconds a TCP connect to each
 * bootstrap address, then (with the clients' own security settings) a describe of the frames topic.
 * The consumer alone says nothing useful when the broker is away (it retries quietly and reports a
 * lag of "?"), so this is what /health/ready, {@code vggstream status} and the log tell the operator.
 * A failure is logged at WARN at once and then at most once per {@code warnEvery} while it lasts;
 * the recovery once at INFO.
 */
public final class BrokerWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerWatch.class);

    /** What the last check found. */
    public enum Status { CHECKING, CONNECTED, FAILING }

    /**
     * @param status the last check's outcome (CHECKING before the first one ends)
     * @param reason why it fails, naming the address; empty unless FAILING
     * @param since when the status began
     */
    public record State(Status status, String reason, Instant since) {
        public boolean connected() {
            return status == Status.CONNECTED;
        }

        /** One "kafka: ..." line for /health/ready's body. */
        public String line() {
            return switch (status) {
                case CHECKING -> "kafka: checking";
                case CONNECTED -> "kafka: connected";
                case FAILING -> "kafka: failing since " + since + ": " + reason;
            };
        }
    }

    private final KafkaSettings kafka;
    private final String topic;
    private final Duration timeout;
    private final Duration warnEvery;
    private final Clock clock;
    private final ScheduledExecutorService thread;
    private volatile State state;
    private Admin admin;
    private Instant lastWarn = Instant.MIN;
    private final java.util.concurrent.atomic.AtomicLong checks = new java.util.concurrent.atomic.AtomicLong();

    private BrokerWatch(KafkaSettings kafka, String topic, Duration timeout, Duration warnEvery, Clock clock) {
        this.kafka = kafka;
        this.topic = topic;
        this.timeout = timeout;
        this.warnEvery = warnEvery;
        this.clock = clock;
        this.state = new State(Status.CHECKING, "", clock.instant());
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vggstream-broker-watch");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Checks now and then every {@code interval} (each check waits at most {@code timeout} per step);
     * WARNs a failure at once and again at most every {@code warnEvery}.
     */
    public static BrokerWatch start(KafkaSettings kafka, String topic, Duration interval, Duration timeout, Duration warnEvery) {
        BrokerWatch w = new BrokerWatch(kafka, topic, timeout, warnEvery, Clock.systemUTC());
        w.thread.scheduleWithFixedDelay(w::checkQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return w;
    }

    /** The defaults of {@code vggstream run}: a check every 5 s, 5 s per step, a repeated warning every 60 s. */
    public static BrokerWatch start(KafkaSettings kafka, String topic) {
        return start(kafka, topic, Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(60));
    }

    public State state() {
        return state;
    }

    /** Checks completed so far. */
    public long checks() {
        return checks.get();
    }

    private void checkQuietly() {
        try {
            record(check());
        } catch (InterruptedException e) {
            // Closing: no verdict to give.
            Thread.currentThread().interrupt();
            return;
        } catch (RuntimeException e) {
            record(e.toString());
        }
        checks.incrementAndGet();
    }

    /** Null when Kafka can be used, else why not. */
    private String check() throws InterruptedException {
        List<String> refused = new ArrayList<>();
        boolean anyOpen = false;
        for (String server : kafka.bootstrapServers().split(",")) {
            String s = server.trim();
            String problem = connect(s);
            if (problem == null) {
                anyOpen = true;
                break;
            }
            refused.add(s + " (" + problem + ")");
        }
        if (!anyOpen) {
            closeAdmin();
            return "no bootstrap server accepts a connection: " + String.join(", ", refused)
                + " (vggstream.kafka.bootstrap-servers)";
        }
        try {
            admin().describeTopics(List.of(topic), new DescribeTopicsOptions().timeoutMs((int) timeout.toMillis()))
                .allTopicNames().get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
            return null;
        } catch (ExecutionException e) {
            return explain(e.getCause());
        } catch (TimeoutException e) {
            return explain(e);
        }
    }

    private String explain(Throwable e) {
        String at = "at " + kafka.bootstrapServers() + ": ";
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof UnknownTopicOrPartitionException) {
            return at + "topic " + topic + " does not exist (create it: vggstream topics create)";
        }
        if (e instanceof SaslAuthenticationException) {
            return at + "SASL authentication failed: " + message + " (vggstream.kafka.clients: sasl.mechanism, sasl.jaas.config)";
        }
        if (e instanceof SslAuthenticationException) {
            return at + "TLS handshake failed: " + message + " (vggstream.kafka.clients: ssl.truststore.*, security.protocol)";
        }
        if (e instanceof AuthenticationException) {
            return at + "authentication failed: " + message;
        }
        if (e instanceof AuthorizationException) {
            return at + "not authorised to describe topic " + topic + ": " + message + " (the user's ACLs)";
        }
        if (e instanceof TimeoutException || e instanceof org.apache.kafka.common.errors.TimeoutException) {
            return at + "the port accepts connections but no Kafka answer came within " + timeout.toSeconds()
                + " s (vggstream.kafka.clients' security.protocol not the listener's, TLS spoken to a plaintext port or the reverse,"
                + " or advertised listeners this host cannot reach?)";
        }
        return at + e.getClass().getSimpleName() + ": " + message;
    }

    /** Null when a TCP connection to {@code hostPort} opens, else why not. */
    private String connect(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            return "not host:port";
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            return "not host:port";
        }
        String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            return null;
        } catch (UnknownHostException e) {
            return "unknown host";
        } catch (SocketTimeoutException e) {
            return "no answer within " + timeout.toSeconds() + " s";
        } catch (ConnectException e) {
            return e.getMessage() == null ? "connection refused" : e.getMessage().toLowerCase(java.util.Locale.ROOT);
        } catch (IOException | IllegalArgumentException e) {
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
    }

    private Admin admin() {
        if (admin == null) {
            Map<String, Object> p = new HashMap<>(KafkaLimits.admin(kafka));
            p.put(AdminClientConfig.CLIENT_ID_CONFIG, "vggstream-broker-watch");
            int ms = (int) timeout.toMillis();
            p.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
            p.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
            admin = Admin.create(p);
        }
        return admin;
    }

    private void closeAdmin() {
        if (admin != null) {
            admin.close(Duration.ZERO);
            admin = null;
        }
    }

    private void record(String problem) {
        Instant now = clock.instant();
        State before = state;
        if (problem == null) {
            if (before.status() != Status.CONNECTED) {
                state = new State(Status.CONNECTED, "", now);
                if (before.status() == Status.FAILING) {
                    LOG.atInfo().addKeyValue("event", "kafka-reachable").addKeyValue("bootstrap", kafka.bootstrapServers())
                        .log("Kafka at {} can be used again (failing since {})", kafka.bootstrapServers(), before.since());
                }
            }
            return;
        }
        boolean changed = before.status() != Status.FAILING || !before.reason().equals(problem);
        state = new State(Status.FAILING, problem, before.status() == Status.FAILING ? before.since() : now);
        if (changed || !now.isBefore(lastWarn.plus(warnEvery))) {
            lastWarn = now;
            LOG.atWarn().addKeyValue("event", "kafka-failing").addKeyValue("bootstrap", kafka.bootstrapServers())
                .addKeyValue("reason", problem).log("Kafka cannot be used: {}", problem);
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(timeout.toMillis() + 2000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeAdmin();
    }
}
