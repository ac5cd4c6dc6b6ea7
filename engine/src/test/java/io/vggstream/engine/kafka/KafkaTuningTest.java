package io.vggstream.engine.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class KafkaTuningTest {

    @Test
    void shouldSendAndFetchAtOnceWhenTheClientsSettingsSayNothing() {
        Map<String, String> consumer = KafkaPipe.consumerTuning(new HashMap<>());
        Map<String, String> producer = KafkaPipe.producerTuning(new HashMap<>());
        assertThat(consumer).containsEntry(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "1")
            .containsEntry(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        assertThat(producer).containsEntry(ProducerConfig.LINGER_MS_CONFIG, "0")
            .containsEntry(ProducerConfig.BATCH_SIZE_CONFIG, "16384");
    }

    @Test
    void shouldKeepWhatVggstreamKafkaClientsSetsWhenItSetsTheSameKeys() {
        Map<String, String> consumer = new HashMap<>(Map.of(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "65536"));
        Map<String, String> producer = new HashMap<>(Map.of(ProducerConfig.LINGER_MS_CONFIG, "20"));
        assertThat(KafkaPipe.consumerTuning(consumer)).containsEntry(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "65536");
        assertThat(KafkaPipe.producerTuning(producer)).containsEntry(ProducerConfig.LINGER_MS_CONFIG, "20");
    }
}
