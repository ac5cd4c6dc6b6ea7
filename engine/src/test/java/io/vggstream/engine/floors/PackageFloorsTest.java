package io.vggstream.engine.floors;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The engine's floors (docs/architecture.md, "The engine's floors"), checked on the sources: a
 * package uses only packages on lower floors, so there is no cycle, and the pure packages use no
 * Pekko and no Kafka type. Read from the source (imports and fully qualified names), so it needs
 * nothing but the files.
 */
class PackageFloorsTest {

    private static final Path ROOT = Path.of("src/main/java/io/vggstream/engine");
    private static final Pattern ENGINE_REF = Pattern.compile("io\\.vggstream\\.engine\\.([a-z]+)\\.[A-Z]");
    private static final Pattern FOREIGN_REF = Pattern.compile("(org\\.apache\\.pekko|org\\.apache\\.kafka)\\.");

    /** Bottom first. The core packages may use one another (without a cycle); any other floor only floors below it. */
    private static final List<Set<String>> FLOORS = List.of(
        Set.of("model", "protocol", "preprocess", "infer", "fusion", "metrics"),
        Set.of("settings"),
        Set.of("api"),
        Set.of("kafka"),
        Set.of("actors"),
        Set.of("runtime"),
        Set.of("eval", "ops"),
        Set.of("serve"));

    private static final Set<String> PURE = Set.of("model", "protocol", "preprocess", "infer", "fusion", "metrics", "settings", "api");

    @Test
    void shouldHaveNoPackageCycle() {
        Map<String, Set<String>> uses = uses();
        List<List<String>> cycles = cycles(uses);
        assertThat(cycles).as("package cycles in the engine (uses: %s)", uses).isEmpty();
    }

    @Test
    void shouldUseOnlyPackagesOnLowerFloors() {
        List<String> wrong = new ArrayList<>();
        uses().forEach((from, tos) -> {
            int f = floor(from);
            for (String to : tos) {
                int t = floor(to);
                boolean bothCore = f == 0 && t == 0;
                if (!bothCore && t >= f) {
                    wrong.add(from + " -> " + to);
                }
            }
        });
        assertThat(wrong).as("a package using one on its own floor or above").isEmpty();
    }

    @Test
    void shouldKeepPekkoAndKafkaOutOfThePurePackages() {
        List<String> wrong = new ArrayList<>();
        sources().forEach(file -> {
            String pkg = packageOf(file);
            if (PURE.contains(pkg)) {
                Matcher m = FOREIGN_REF.matcher(code(file));
                if (m.find()) {
                    wrong.add(ROOT.relativize(file) + " uses " + m.group(1));
                }
            }
        });
        assertThat(wrong).isEmpty();
    }

    @Test
    void shouldFindACycleWhenThereIsOne() {
        // The check itself: a -> b -> c -> a is found, d -> a is not part of it.
        Map<String, Set<String>> uses = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a"));
        assertThat(cycles(uses)).containsExactly(List.of("a", "b", "c"));
    }

    private static int floor(String pkg) {
        for (int i = 0; i < FLOORS.size(); i++) {
            if (FLOORS.get(i).contains(pkg)) {
                return i;
            }
        }
        throw new AssertionError("package io.vggstream.engine." + pkg + " has no floor: add it to FLOORS and to docs/architecture.md");
    }

    /** Package -> the engine packages its files name (imports and fully qualified names). */
    private static Map<String, Set<String>> uses() {
        Map<String, Set<String>> uses = new TreeMap<>();
        sources().forEach(file -> {
            String pkg = packageOf(file);
            Set<String> to = uses.computeIfAbsent(pkg, k -> new TreeSet<>());
            Matcher m = ENGINE_REF.matcher(code(file));
            while (m.find()) {
                if (!m.group(1).equals(pkg)) {
                    to.add(m.group(1));
                }
            }
        });
        assertThat(uses).as("engine sources under %s", ROOT.toAbsolutePath()).isNotEmpty();
        return uses;
    }

    /** The strongly connected components with more than one package (Tarjan), each sorted. */
    static List<List<String>> cycles(Map<String, Set<String>> uses) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<List<String>> out = new ArrayList<>();
        int[] next = {0};
        for (String v : new TreeSet<>(uses.keySet())) {
            if (!index.containsKey(v)) {
                connect(v, uses, index, low, stack, onStack, out, next);
            }
        }
        return out;
    }

    private static void connect(String v, Map<String, Set<String>> uses, Map<String, Integer> index, Map<String, Integer> low,
                                Deque<String> stack, Set<String> onStack, List<List<String>> out, int[] next) {
        index.put(v, next[0]);
        low.put(v, next[0]);
        next[0]++;
        stack.push(v);
        onStack.add(v);
        for (String w : uses.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                connect(w, uses, index, low, stack, onStack, out, next);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            List<String> component = new ArrayList<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) {
                component.sort(null);
                out.add(component);
            }
        }
    }

    private static List<Path> sources() {
        try (Stream<Path> files = Files.walk(ROOT)) {
            return files.filter(p -> p.toString().endsWith(".java")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first folder under io/vggstream/engine, or "" for a file in the engine's root package. */
    private static String packageOf(Path file) {
        Path rel = ROOT.relativize(file);
        return rel.getNameCount() > 1 ? rel.getName(0).toString() : "";
    }

    /** The file without its comments, so that a {@code @link} in prose is not a dependency. */
    private static String code(Path file) {
        try {
            return Files.readString(file).replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
