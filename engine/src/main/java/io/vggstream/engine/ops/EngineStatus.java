package io.vggstream.engine.ops;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Asks a running engine's ops endpoints how it is and prints a summary (the job behind
 * {@code vggstream status}): options -> {@link #run} -> {@link Result}.
 */
public final class EngineStatus {

    /** Where the engine's ops endpoint is and how long to wait for it. */
    public record Options(String host, int port, Duration timeout) {
    }

    /** Whether an engine answered, and whether it said it is ready (warm, and Kafka can be used). */
    public record Result(boolean reachable, boolean ready) {
    }

    private EngineStatus() {
    }

    /** The samples of a Prometheus text exposition: "name{labels}" to value; comments skipped. */
    public static Map<String, Double> parseMetrics(String text) {
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            try {
                samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                // Not a sample line (a timestamped or exotic one): not needed for the summary.
            }
        }
        return samples;
    }

    /** Asks the engine at {@code options} and prints what it says to {@code out}. */
    public static Result run(Options options, PrintWriter out) {
        String host = options.host();
        int port = options.port();
        Duration timeout = options.timeout();
        String base = "http://" + host + ":" + port;
        HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
        HttpResponse<String> ready;
        String metrics;
        try {
            ready = get(client, base + "/health/ready", timeout);
            metrics = get(client, base + "/metrics", timeout).body();
        } catch (IOException e) {
            out.printf("no engine answers at %s: %s%n", base, e.getMessage() == null ? e.toString() : e.getMessage());
            out.flush();
            return new Result(false, false);
        }
        Map<String, Double> m = parseMetrics(metrics);
        out.printf("engine at %s: %s%n", base, ready.statusCode() == 200 ? "READY" : "NOT READY (HTTP " + ready.statusCode() + ")");
        for (String line : ready.body().split("\n")) {
            if (!line.isBlank()) {
                out.printf("  %s%n", line);
            }
        }
        out.printf(Locale.ROOT, "  frames in %.0f, predicted %.0f (partial %.0f), dead letters %.0f (dropped %.0f), in flight %.0f%n",
            sum(m, "vggstream_frames_in_total"), sum(m, "vggstream_frames_predicted_total"), sum(m, "vggstream_frames_partial_total"),
            sum(m, "vggstream_frames_dead_lettered_total"), sum(m, "vggstream_frames_dropped_total"), sum(m, "vggstream_frames_in_flight"));
        double batches = sum(m, "vggstream_batch_size_inputs_count");
        out.printf(Locale.ROOT, "  batches %.0f, mean size %.2f; end-to-end latency mean %.1f ms%n", batches,
            batches == 0 ? 0 : sum(m, "vggstream_batch_size_inputs_sum") / batches,
            mean(m, "vggstream_latency_seconds", "end_to_end") * 1e3);
        StringBuilder stages = new StringBuilder();
        for (String stage : new String[] {"decode", "preprocess", "queue", "inference_batch", "fusion", "produce"}) {
            stages.append(String.format(Locale.ROOT, "%s%s %.2f", stages.length() == 0 ? "" : ", ", stage,
                mean(m, "vggstream_latency_seconds", stage) * 1e3));
        }
        out.printf("  mean ms per stage: %s%n", stages);
        m.forEach((k, v) -> {
            if (k.startsWith("vggstream_workers{")) {
                out.printf(Locale.ROOT, "  workers %s: %.0f%n", k.substring("vggstream_workers".length()), v);
            }
        });
        out.printf(Locale.ROOT, "  heap used %.0f MB, process resident %.0f MB%n", sum(m, "jvm_memory_used_bytes{area=\"heap\"") / 1e6,
            sum(m, "process_resident_memory_bytes") / 1e6);
        out.flush();
        return new Result(true, ready.statusCode() == 200);
    }

    private static HttpResponse<String> get(HttpClient client, String url, Duration timeout) throws IOException {
        try {
            return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** The sum of the samples whose key starts with {@code prefix} (a name, or a name and the start of its labels). */
    private static double sum(Map<String, Double> m, String prefix) {
        return m.entrySet().stream().filter(e -> e.getKey().equals(prefix) || e.getKey().startsWith(prefix.endsWith("\"") ? prefix : prefix + "{")
            || e.getKey().startsWith(prefix + ",")).mapToDouble(Map.Entry::getValue).sum();
    }

    private static double mean(Map<String, Double> m, String timer, String stage) {
        double count = sum(m, timer + "_count{stage=\"" + stage + "\"");
        return count == 0 ? 0 : sum(m, timer + "_sum{stage=\"" + stage + "\"") / count;
    }
}
