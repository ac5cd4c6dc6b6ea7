package io.vggstream.engine.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.vggstream.engine.ops.ConsumerState;
import java.util.Map;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.apache.kafka.common.metrics.stats.Max;
import org.apache.kafka.common.metrics.stats.Value;
import org.junit.jupiter.api.Test;

/** Against kafka-clients' own metrics registry, the one a consumer reports through. */
class ConsumerMetricsTest {

    private static final String FETCH = "consumer-fetch-manager-metrics";

    @Test
    void shouldReadAssignmentAndPerPartitionLagAsTheConsumerReportsThem() {
        try (Metrics m = new Metrics()) {
            record(m, "assigned-partitions", ConsumerMetrics.COORDINATOR_GROUP, Map.of("client-id", "c"), new Value(), 3);
            record(m, "records-lag", FETCH, Map.of("client-id", "c", "topic", "frames", "partition", "0"), new Value(), 7);
            record(m, "records-lag", FETCH, Map.of("client-id", "c", "topic", "frames", "partition", "2"), new Value(), 40);
            assertThat(ConsumerMetrics.assignedPartitions(m.metrics())).isEqualTo(3);
            assertThat(ConsumerMetrics.partitionLag(m.metrics())).containsExactly(Map.entry("frames-0", 7.0), Map.entry("frames-2", 40.0));
            ConsumerState state = ConsumerState.of(m.metrics());
            assertThat(state.assignedPartitions()).isEqualTo(3);
            assertThat(state.largestLag()).isEqualTo(40);
        }
    }

    @Test
    void shouldTellTheWindowedLagMaxFromTheLagNow() {
        try (Metrics m = new Metrics()) {
            Sensor s = m.sensor("lag-max");
            s.add(m.metricName("records-lag-max", FETCH, Map.of("client-id", "c")), new Max());
            s.record(90);
            s.record(5);
            record(m, "records-lag", FETCH, Map.of("client-id", "c", "topic", "frames", "partition", "0"), new Value(), 5);
            assertThat(ConsumerMetrics.windowLagMax(m.metrics())).isEqualTo(90);
            assertThat(ConsumerState.of(m.metrics()).largestLag()).isEqualTo(5);
        }
    }

    @Test
    void shouldReadACoordinatorMetricWithItsGroup() {
        try (Metrics m = new Metrics()) {
            record(m, "rebalance-total", ConsumerMetrics.COORDINATOR_GROUP, Map.of("client-id", "c"), new CumulativeSum(), 1);
            assertThat(ConsumerMetrics.coordinator(m.metrics(), "rebalance-total"))
                .hasValue(new ConsumerMetrics.Reading(ConsumerMetrics.COORDINATOR_GROUP, 1));
            assertThat(ConsumerMetrics.coordinator(m.metrics(), "no-such-metric")).isEmpty();
        }
    }

    @Test
    void shouldTreatAMetricNotMeasuredYetAsNotReported() {
        try (Metrics m = new Metrics()) {
            // A Max with no samples reads NaN: the consumer has fetched nothing yet.
            m.sensor("lag-max").add(m.metricName("records-lag-max", FETCH, Map.of("client-id", "c")), new Max());
            assertThat(ConsumerMetrics.windowLagMax(m.metrics())).isEqualTo(-1);
            assertThat(ConsumerMetrics.assignedPartitions(m.metrics())).isEqualTo(-1);
            assertThat(ConsumerState.of(m.metrics()).largestLag()).isEqualTo(-1);
        }
    }

    private static void record(Metrics m, String name, String group, Map<String, String> tags,
            org.apache.kafka.common.metrics.MeasurableStat stat, double value) {
        Sensor s = m.sensor(name + tags);
        s.add(m.metricName(name, group, tags), stat);
        s.record(value);
    }
}
