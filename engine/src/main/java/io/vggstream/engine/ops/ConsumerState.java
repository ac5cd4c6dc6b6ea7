package io.vggstream.engine.ops;

import io.vggstream.engine.kafka.ConsumerMetrics;
import java.util.Map;
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
        return new ConsumerState(ConsumerMetrics.assignedPartitions(metrics), ConsumerMetrics.partitionLag(metrics));
    }

    /** The largest lag now over the partitions, -1 when none is known (not the windowed records-lag-max). */
    public double largestLag() {
        return lag.values().stream().mapToDouble(Double::doubleValue).max().orElse(-1);
    }
}
