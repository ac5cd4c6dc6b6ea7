package io.vggstream.engine.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.typesafe.config.ConfigFactory;
import io.vggstream.engine.settings.EnrichSettings;

/**
 * Fuzzes the enrichment event parser: {@link Enrichment#find} answers every event value with an
 * image field or a reason to skip it, and never throws; a base64 field decodes or fails with an
 * {@link IllegalArgumentException} (which the enricher turns into a {@code vgg.error}), nothing
 * else. The input is the event's value, read with the default pointer {@code /image} and with a
 * nested one. Only the parsing: fetching a path or URL is not fuzzed here. docs/fuzzing.md says
 * how to run it.
 */
class EnrichmentFuzzTest {

    private static final EnrichSettings TOP = settings("/image");
    private static final EnrichSettings NESTED = settings("/payload/frames/0/jpeg");

    private static EnrichSettings settings(String pointer) {
        return EnrichSettings.from(ConfigFactory.parseString("vggstream.engine.enrich.image-field = \"" + pointer + "\"")
            .withFallback(ConfigFactory.defaultReference()));
    }

    @FuzzTest
    void find(byte[] event) {
        check(Enrichment.find(event, TOP));
        check(Enrichment.find(event, NESTED));
    }

    private static void check(Enrichment.Found found) {
        if (found instanceof Enrichment.Found.Skip skip) {
            assertThat(skip.reason()).isNotBlank();
            return;
        }
        Enrichment.Found.Image image = (Enrichment.Found.Image) found;
        assertThat(image.event()).isNotNull();
        assertThat(image.field()).isNotBlank();
        try {
            assertThat(Enrichment.base64(image.field())).isNotNull();
        } catch (IllegalArgumentException notBase64) {
            assertThat(notBase64.getMessage()).isNotNull();
        }
    }
}
