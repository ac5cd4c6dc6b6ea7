package io.vggstream.engine.ops;

import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * What the frames consumer reports about itself, read from kafka-clients' own metrics: how many
 * partitions the group gave it, and the lag of each in records.
 *
 * @param assignedPartitions partitions assigned to this instance; -1 when the consumer has not said yet
 * @param lag records behind the log end, per "topic-partition", for the partitions fetched so far
 */
public record ConsumerState(int assignedPartitions, Map<String, Double> lag) {

    public static final ConsumerState UNKNOWN = new ConsumerState(-1, Map.of());

    public ConsumerState {
        lag = Map.copyOf(lag);
    }

    /** Reads the state from the consumer's metrics ({@code Consumer.Control.getMetrics()}). */
    public static ConsumerState of(Map<MetricName, ? extends Metric> metrics) {
        int assigned = -1;
        Map<String, Double> lag = new TreeMap<>();
        for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
            MetricName n = e.getKey();
            Object v = e.getValue().metricValue();
            if (!(v instanceof Number number) || Double.isNaN(number.doubleValue())) {
                continue;
            }
            // consumer-coordinator-metrics: the classic and the new (KIP-848) consumer both report it.
            if (n.name().equals("assigned-partitions")) {
                assigned = Math.max(assigned, 0) + number.intValue();
            } else if (n.name().equals("records-lag") && n.tags().containsKey("topic") && n.tags().containsKey("partition")) {
                lag.put(n.tags().get("topic") + "-" + n.tags().get("partition"), number.doubleValue());
            }
        }
        return new ConsumerState(assigned, lag);
    }

    /** The largest lag over the partitions, -1 when none is known. */
    public double maxLag() {
        return lag.values().stream().mapToDouble(Double::doubleValue).max().orElse(-1);
    }
}
