package io.vggstream.engine;

import com.fasterxml.jackson.core.JsonPointer;
import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Locale;

/** {@code vggstream.engine.enrich}: where the events come from and where their image is. */
public record EnrichSettings(boolean enabled, String inputTopic, String outputTopic, String groupId, JsonPointer imageField,
                             Encoding encoding, Duration urlTimeout) {

    /** How the event's field holds the image. */
    public enum Encoding { BASE64, PATH, URL }

    public static EnrichSettings from(Config config) {
        Config c = config.getConfig("vggstream.engine.enrich");
        String pointer = c.getString("image-field");
        JsonPointer p;
        try {
            p = JsonPointer.compile(pointer);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("vggstream.engine.enrich.image-field must be a JSON Pointer such as /image, got '" + pointer + "'");
        }
        Encoding enc;
        try {
            enc = Encoding.valueOf(c.getString("image-encoding").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("vggstream.engine.enrich.image-encoding must be base64, path or url, got '"
                + c.getString("image-encoding") + "'");
        }
        return new EnrichSettings(c.getBoolean("enabled"), c.getString("input-topic"), c.getString("output-topic"),
            c.getString("group-id"), p, enc, c.getDuration("url-timeout"));
    }

    public EnrichSettings enabled(boolean on) {
        return new EnrichSettings(on, inputTopic, outputTopic, groupId, imageField, encoding, urlTimeout);
    }

    public EnrichSettings withTopics(String in, String out) {
        return new EnrichSettings(enabled, in, out, groupId, imageField, encoding, urlTimeout);
    }

    public EnrichSettings withGroupId(String g) {
        return new EnrichSettings(enabled, inputTopic, outputTopic, g, imageField, encoding, urlTimeout);
    }
}
