package io.vggstream.engine.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.vggstream.engine.settings.EnrichSettings;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class EnrichmentTest {

    private static EnrichSettings settings(String pointer) {
        return EnrichSettings.from(ConfigFactory.parseString("vggstream.engine.enrich.image-field = \"" + pointer + "\"")
            .withFallback(ConfigFactory.defaultReference()));
    }

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldFindTheImageAtANestedPointer() {
        var found = Enrichment.find(json("{\"id\":1,\"payload\":{\"jpeg\":\"QUJD\"}}"), settings("/payload/jpeg"));
        assertThat(found).isInstanceOfSatisfying(Enrichment.Found.Image.class, i -> assertThat(i.field()).isEqualTo("QUJD"));
    }

    @Test
    void shouldSkipEventsWithoutAnImageOrThatAreNotJsonObjects() {
        assertThat(Enrichment.find(json("{\"id\":1}"), settings("/image")))
            .isInstanceOfSatisfying(Enrichment.Found.Skip.class, s -> assertThat(s.reason()).contains("/image"));
        assertThat(Enrichment.find(json("[1,2]"), settings("/image"))).isInstanceOf(Enrichment.Found.Skip.class);
        assertThat(Enrichment.find(json("hello"), settings("/image"))).isInstanceOf(Enrichment.Found.Skip.class);
        assertThat(Enrichment.find(json("{\"image\":42}"), settings("/image"))).isInstanceOf(Enrichment.Found.Skip.class);
    }

    @Test
    void shouldDecodeBase64WithOrWithoutADataUrlPrefix() {
        String b64 = Base64.getEncoder().encodeToString(new byte[] {1, 2, 3});
        assertThat(Enrichment.base64(b64)).containsExactly(1, 2, 3);
        assertThat(Enrichment.base64("data:image/jpeg;base64," + b64)).containsExactly(1, 2, 3);
    }
}
