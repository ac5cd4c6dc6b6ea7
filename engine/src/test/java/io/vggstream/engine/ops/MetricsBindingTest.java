package io.vggstream.engine.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.vggstream.engine.metrics.EngineMetrics;
import io.vggstream.topics.deadletter.ErrorKind;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The engine's counters in the Prometheus scrape: dead letters by kind beside the totals, with their meaning unchanged; the
 * enrichment stream's events by outcome, apart from the frames.
 */
class MetricsBindingTest {

    @Test
    void shouldExportDeadLettersByKindFromZeroBesideTheTotals() {
        EngineMetrics m = new EngineMetrics(4);
        try (MetricsBinding binding = new MetricsBinding()) {
            binding.counters(m);
            Map<String, Double> before = EngineStatus.parseMetrics(binding.scrape());
            // Every kind of the contract is a series from the start, at 0.
            for (ErrorKind kind : ErrorKind.values()) {
                assertThat(before.get("vggstream_dead_letters_total{kind=\"" + kind.code() + "\"}")).as("%s", kind).isZero();
            }

            for (int i = 0; i < 4; i++) {
                m.frameIn();
            }
            m.frameDeadLettered(ErrorKind.DECODE);
            m.frameDeadLettered(ErrorKind.DECODE);
            m.frameDropped();
            m.framePredicted(false);
            Map<String, Double> after = EngineStatus.parseMetrics(binding.scrape());
            assertThat(after.get("vggstream_dead_letters_total{kind=\"decode\"}")).isEqualTo(2.0);
            assertThat(after.get("vggstream_dead_letters_total{kind=\"dropped\"}")).isEqualTo(1.0);
            assertThat(after.get("vggstream_dead_letters_total{kind=\"poison\"}")).isZero();
            assertThat(after.get("vggstream_frames_dead_lettered_total")).isEqualTo(3.0);
            assertThat(after.get("vggstream_frames_dropped_total")).isEqualTo(1.0);
            assertThat(after.get("vggstream_frames_predicted_total")).isEqualTo(1.0);
            assertThat(after.get("vggstream_frames_in_total")).isEqualTo(4.0);
        }
    }

    @Test
    void shouldExportTheEnrichedEventsByOutcomeApartFromTheFrames() {
        EngineMetrics m = new EngineMetrics(4);
        try (MetricsBinding binding = new MetricsBinding()) {
            binding.counters(m);
            for (int i = 0; i < 4; i++) {
                m.eventIn();
            }
            m.eventEnriched();
            m.eventEnriched();
            m.eventSkipped();
            m.eventFailed();
            Map<String, Double> after = EngineStatus.parseMetrics(binding.scrape());
            assertThat(after.get("vggstream_events_in_total")).isEqualTo(4.0);
            assertThat(after.get("vggstream_events_enriched_total")).isEqualTo(2.0);
            assertThat(after.get("vggstream_events_skipped_total")).isEqualTo(1.0);
            assertThat(after.get("vggstream_events_failed_total")).isEqualTo(1.0);
            assertThat(after.get("vggstream_frames_in_total")).as("events are not frames").isZero();
            assertThat(m.eventsAnswered()).isEqualTo(4);
        }
    }
}
