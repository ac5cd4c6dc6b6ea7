package io.vggstream.engine.kafka;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * Reads what a Kafka consumer says about itself in its own metrics ({@code Consumer.Control.getMetrics()}):
 * the one parser for the engine's load governor, its ops endpoints, the soak benchmark and the tests.
 * A value that is not a finite number (a metric not measured yet is NaN) counts as not reported.
 */
public final class ConsumerMetrics {

    /** The group of the coordinator metrics (assignment, rebalances); the classic and the KIP-848 consumer share it. */
    public static final String COORDINATOR_GROUP = "consumer-coordinator-metrics";

    private ConsumerMetrics() {
    }

    /** A metric's value and the group it was read from. */
    public record Reading(String group, double value) {
    }

    /** Partitions assigned to this consumer ({@code assigned-partitions}); -1 when it has not said yet. */
    public static int assignedPartitions(Map<MetricName, ? extends Metric> metrics) {
        int assigned = -1;
        for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
            if (e.getKey().name().equals("assigned-partitions")) {
                double v = number(e.getValue());
                if (Double.isFinite(v)) {
                    assigned = Math.max(assigned, 0) + (int) v;
                }
            }
        }
        return assigned;
    }

    /**
     * Records behind the log end now ({@code records-lag}), per {@code "topic-partition"}, for the
     * partitions fetched so far; sorted by name.
     */
    public static Map<String, Double> partitionLag(Map<MetricName, ? extends Metric> metrics) {
        Map<String, Double> lag = new TreeMap<>();
        for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
            MetricName n = e.getKey();
            double v = number(e.getValue());
            if (n.name().equals("records-lag") && n.tags().containsKey("topic") && n.tags().containsKey("partition")
                && Double.isFinite(v)) {
                lag.put(n.tags().get("topic") + "-" + n.tags().get("partition"), v);
            }
        }
        return lag;
    }

    /**
     * The consumer-wide {@code records-lag-max}: the largest lag any partition had within the
     * metrics' sample window (not the lag now); -1 when not reported.
     */
    public static double windowLagMax(Map<MetricName, ? extends Metric> metrics) {
        double lag = -1;
        for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
            MetricName n = e.getKey();
            double v = number(e.getValue());
            if (n.name().equals("records-lag-max") && n.tags().containsKey("client-id") && !n.tags().containsKey("topic")
                && Double.isFinite(v)) {
                lag = Math.max(lag, v);
            }
        }
        return lag;
    }

    /** A coordinator metric ({@code rebalance-total}, say), from a group whose name has "coordinator" in it. */
    public static Optional<Reading> coordinator(Map<MetricName, ? extends Metric> metrics, String name) {
        for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
            double v = number(e.getValue());
            if (e.getKey().name().equals(name) && e.getKey().group().contains("coordinator") && Double.isFinite(v)) {
                return Optional.of(new Reading(e.getKey().group(), v));
            }
        }
        return Optional.empty();
    }

    private static double number(Metric m) {
        return m.metricValue() instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
