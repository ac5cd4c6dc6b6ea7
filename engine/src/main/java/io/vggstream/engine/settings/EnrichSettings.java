package io.vggstream.engine.settings;

import com.fasterxml.jackson.core.JsonPointer;
import com.typesafe.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code vggstream.engine.enrich}: where the events come from, where their image is, and where an
 * image may be fetched from.
 *
 * @param pathRoot the folder a {@code path} image must lie in, symlinks resolved (required for {@code path})
 * @param urlAllowedHosts the hosts a {@code url} image may come from (required for {@code url})
 * @param urlAllowPrivate whether those hosts may resolve to loopback, link-local or private addresses
 * @param urlTimeout the longest a URL fetch may take in all
 */
public record EnrichSettings(boolean enabled, String inputTopic, String outputTopic, String groupId, JsonPointer imageField,
                             Encoding encoding, Duration urlTimeout, Optional<Path> pathRoot, List<String> urlAllowedHosts,
                             boolean urlAllowPrivate) {

    /** How the event's field holds the image. */
    public enum Encoding { BASE64, PATH, URL }

    private static final String KEY = "vggstream.engine.enrich.";

    public EnrichSettings {
        urlAllowedHosts = List.copyOf(urlAllowedHosts);
        if (urlTimeout.isNegative() || urlTimeout.isZero()) {
            throw new IllegalArgumentException(KEY + "url-timeout must be positive, got " + urlTimeout);
        }
        for (String h : urlAllowedHosts) {
            if (!h.matches("(\\*\\.)?[A-Za-z0-9._:-]+") || h.startsWith("*.") && h.length() < 3) {
                throw new IllegalArgumentException(KEY + "url-allowed-hosts: '" + h + "' is not a host name, an address,"
                    + " or *.domain (no scheme, port or path)");
            }
        }
        // Checked when enrichment is on, so that a wrong source fails at start naming its key, not per event.
        if (enabled && encoding == Encoding.PATH) {
            if (pathRoot.isEmpty()) {
                throw new IllegalArgumentException(KEY + "path-root must name the folder image paths lie in when image-encoding is path");
            }
            if (!Files.isDirectory(pathRoot.get())) {
                throw new IllegalArgumentException(KEY + "path-root must be an existing folder, got '" + pathRoot.get() + "'");
            }
        }
        if (enabled && encoding == Encoding.URL && urlAllowedHosts.isEmpty()) {
            throw new IllegalArgumentException(KEY + "url-allowed-hosts must list the hosts images may be fetched from"
                + " when image-encoding is url");
        }
    }

    public static EnrichSettings from(Config config) {
        Config c = config.getConfig("vggstream.engine.enrich");
        String pointer = c.getString("image-field");
        JsonPointer p;
        try {
            p = JsonPointer.compile(pointer);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(KEY + "image-field must be a JSON Pointer such as /image, got '" + pointer + "'");
        }
        Encoding enc;
        try {
            enc = Encoding.valueOf(c.getString("image-encoding").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(KEY + "image-encoding must be base64, path or url, got '"
                + c.getString("image-encoding") + "'");
        }
        String root = c.getString("path-root").strip();
        return new EnrichSettings(c.getBoolean("enabled"), c.getString("input-topic"), c.getString("output-topic"),
            c.getString("group-id"), p, enc, c.getDuration("url-timeout"), root.isEmpty() ? Optional.empty() : Optional.of(Path.of(root)),
            c.getStringList("url-allowed-hosts").stream().map(String::strip).toList(), c.getBoolean("url-allow-private"));
    }

    public EnrichSettings enabled(boolean on) {
        return new EnrichSettings(on, inputTopic, outputTopic, groupId, imageField, encoding, urlTimeout, pathRoot, urlAllowedHosts, urlAllowPrivate);
    }

    public EnrichSettings withTopics(String in, String out) {
        return new EnrichSettings(enabled, in, out, groupId, imageField, encoding, urlTimeout, pathRoot, urlAllowedHosts, urlAllowPrivate);
    }

    public EnrichSettings withGroupId(String g) {
        return new EnrichSettings(enabled, inputTopic, outputTopic, g, imageField, encoding, urlTimeout, pathRoot, urlAllowedHosts, urlAllowPrivate);
    }

    public EnrichSettings withEncoding(Encoding e) {
        return new EnrichSettings(enabled, inputTopic, outputTopic, groupId, imageField, e, urlTimeout, pathRoot, urlAllowedHosts, urlAllowPrivate);
    }

    public EnrichSettings withPathRoot(Path root) {
        return new EnrichSettings(enabled, inputTopic, outputTopic, groupId, imageField, encoding, urlTimeout, Optional.of(root),
            urlAllowedHosts, urlAllowPrivate);
    }

    /** The hosts a URL may name, whether they may resolve to private addresses, and the time a fetch may take. */
    public EnrichSettings withUrls(List<String> allowedHosts, boolean allowPrivate, Duration timeout) {
        return new EnrichSettings(enabled, inputTopic, outputTopic, groupId, imageField, encoding, timeout, pathRoot, allowedHosts, allowPrivate);
    }
}
