package io.vggstream.topics.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Loads the settings once: a user's file (optional) over {@code application.conf} over every
 * module's {@code reference.conf}, and refuses any {@code vggstream.*} key that no
 * {@code reference.conf} documents, so a typo fails fast with its name instead of being ignored.
 */
public final class StrictConfig {

    /** Blocks whose keys are passed through to Kafka unchanged and so are not checked. */
    private static final Set<String> PASS_THROUGH = Set.of("clients", "configs");

    private StrictConfig() {
    }

    /** The resolved settings, with {@code userFile} (when given) on top. */
    public static Config load(Optional<Path> userFile) {
        Config reference = ConfigFactory.defaultReference();
        Config user = ConfigFactory.defaultApplication();
        if (userFile.isPresent()) {
            Path f = userFile.get();
            if (!Files.isRegularFile(f)) {
                throw new ConfigException.Generic("config file " + f + " does not exist or is not a file");
            }
            user = ConfigFactory.parseFile(f.toFile(), ConfigParseOptions.defaults().setAllowMissing(false)).withFallback(user);
        }
        requireKnownKeys(user, reference, userFile.map(Path::toString).orElse("application.conf"));
        return ConfigFactory.defaultOverrides().withFallback(user).withFallback(reference).resolve();
    }

    /**
     * Fails with a message naming every key under {@code vggstream} in {@code user} that
     * {@code reference} does not have.
     */
    public static void requireKnownKeys(Config user, Config reference, String origin) {
        if (!user.hasPath("vggstream")) {
            return;
        }
        List<String> unknown = new ArrayList<>();
        for (Map.Entry<String, ?> e : user.getConfig("vggstream").entrySet()) {
            String path = "vggstream." + e.getKey();
            if (!reference.hasPathOrNull(path) && !underPassThrough(path, reference)) {
                unknown.add(path);
            }
        }
        if (!unknown.isEmpty()) {
            throw new ConfigException.Generic("unknown setting" + (unknown.size() > 1 ? "s" : "") + " in " + origin + ": "
                + String.join(", ", new TreeSet<>(unknown)) + " (see the modules' reference.conf for the keys there are)");
        }
    }

    private static boolean underPassThrough(String path, Config reference) {
        List<String> parts = com.typesafe.config.ConfigUtil.splitPath(path);
        for (int i = 1; i < parts.size(); i++) {
            if (PASS_THROUGH.contains(parts.get(i))) {
                String block = com.typesafe.config.ConfigUtil.joinPath(parts.subList(0, i + 1));
                if (reference.hasPathOrNull(block)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * A pass-through block as string properties, for kafka-clients: {@code "client.id" = x} and
     * {@code client.id = x} (a nested path in HOCON) both become {@code client.id}.
     */
    public static Map<String, String> flat(Config block) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        block.entrySet().forEach(e -> out.put(
            String.join(".", com.typesafe.config.ConfigUtil.splitPath(e.getKey())), String.valueOf(e.getValue().unwrapped())));
        return out;
    }
}
