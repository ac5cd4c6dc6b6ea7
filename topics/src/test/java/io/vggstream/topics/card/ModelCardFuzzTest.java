package io.vggstream.topics.card;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vggstream.topics.card.ModelCard.InvalidModelCardException;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes the model-card reader: {@link ModelCard#fromJson} returns a card that passes its own
 * validation and survives a write and a read unchanged, or throws
 * {@link InvalidModelCardException} naming the field; nothing else. The input is the card's JSON
 * as UTF-8. docs/fuzzing.md says how to run it.
 */
class ModelCardFuzzTest {

    // The card's keys and tags: Jackson is not instrumented, so the fuzzer would not learn them from comparisons.
    @DictionaryEntries({"\"format\"", "\"vggstream-model-card/1\"", "\"config\"", "\"A-LRN\"", "\"B-5x5\"", "\"width\"",
        "\"fc\"", "\"classes\"", "\"mean_rgb\"", "\"crop\"", "\"training_scale\"", "\"min\"", "\"max\"", "\"io\"",
        "\"input\"", "\"posterior\"", "\"feature\"", "\"accuracy\"", "\"top1\"", "\"top5\"", "\"images\"",
        "\"test_scale\"", "\"recipe\"", "\"versions\"", "\"weights_sha256\"", "null", "1e309", "-0.0", "NaN"})
    @FuzzTest
    void fromJson(byte[] input) {
        String json = new String(input, StandardCharsets.UTF_8);
        ModelCard card;
        try {
            card = ModelCard.fromJson(json, "fuzz.json");
        } catch (InvalidModelCardException e) {
            assertThat(e.field()).isNotBlank();
            assertThat(e.getMessage()).startsWith("fuzz.json: field '" + e.field() + "'");
            return;
        }
        assertThat(card.numClasses()).isPositive();
        assertThat(card.crop() % 32).isZero();
        assertThat(card.trainingScale().testScale()).isGreaterThanOrEqualTo(card.crop());
        assertThat(ModelCard.fromJson(card.toJson(), "again")).isEqualTo(card);
    }
}
