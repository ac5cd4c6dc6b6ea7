package io.vggstream.engine.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vggstream.engine.settings.EnrichSettings;
import io.vggstream.engine.api.Classification;
import io.vggstream.engine.fusion.Fusion;
import io.vggstream.engine.protocol.Protocol;
import java.io.IOException;
import java.util.Base64;
import java.util.List;

/**
 * The pure part of event enrichment: find the image in an event, and write the engine's answer
 * into it as a {@code vgg} object. Everything else in the event is left as it was.
 */
public final class Enrichment {

    static final ObjectMapper JSON = new ObjectMapper();

    private Enrichment() {
    }

    /** Where an event's image is, or why it has none. */
    public sealed interface Found {
        /** The event and the field's text (base64, a path or a URL, per the settings). */
        record Image(ObjectNode event, String field) implements Found {
        }

        /** Not enrichable: pass the event through unchanged with this reason. */
        record Skip(String reason) implements Found {
        }
    }

    public static Found find(byte[] value, EnrichSettings settings) {
        if (value == null || value.length == 0) {
            return new Found.Skip("the event is empty");
        }
        JsonNode root;
        try {
            root = JSON.readTree(value);
        } catch (IOException e) {
            return new Found.Skip("the event is not JSON");
        }
        if (!(root instanceof ObjectNode event)) {
            return new Found.Skip("the event is not a JSON object");
        }
        JsonNode field = event.at(settings.imageField());
        if (field.isMissingNode() || field.isNull()) {
            return new Found.Skip("no image at " + settings.imageField());
        }
        if (!field.isTextual() || field.asText().isBlank()) {
            return new Found.Skip("the field " + settings.imageField() + " is not a non-empty string");
        }
        return new Found.Image(event, field.asText());
    }

    /** Base64, with or without a {@code data:image/...;base64,} prefix. */
    public static byte[] base64(String field) {
        String s = field.strip();
        int comma = s.startsWith("data:") ? s.indexOf(',') : -1;
        return Base64.getMimeDecoder().decode(comma >= 0 ? s.substring(comma + 1) : s);
    }

    /** The event with {@code vgg} set to the classification. */
    public static byte[] enriched(ObjectNode event, Classification.Ok c, List<String> classes, List<String> models,
                                  Protocol protocol, List<Integer> scales) {
        ObjectNode vgg = event.putObject("vgg");
        ArrayNode top = vgg.putArray("top");
        for (Fusion.Ranked r : c.top()) {
            top.addObject().put("index", r.index()).put("label", classes.get(r.index())).put("p", Math.min(1.0, r.p()));
        }
        ArrayNode m = vgg.putArray("models");
        models.forEach(m::add);
        ObjectNode p = vgg.putObject("protocol");
        p.put("name", protocol.toString());
        ArrayNode q = p.putArray("scales");
        scales.forEach(q::add);
        p.put("flips", protocol.flips());
        p.put("crops", protocol.cropsPerScale());
        vgg.put("partial", c.partial());
        if (c.feature() != null) {
            ArrayNode f = vgg.putArray("feature");
            for (float v : c.feature()) {
                f.add(v);
            }
        }
        return bytes(event);
    }

    /** The event with {@code vgg} set to why its image could not be classified. */
    public static byte[] failed(ObjectNode event, String kind, String reason) {
        event.putObject("vgg").put("error", reason).put("kind", kind);
        return bytes(event);
    }

    private static byte[] bytes(ObjectNode event) {
        try {
            return JSON.writeValueAsBytes(event);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write an enriched event: " + e.getMessage(), e);
        }
    }
}
