package io.vggstream.benchmarks.bench;

/**
 * Which part of the process a Java thread works for, by its name: the engine's inference workers
 * (they block in ONNX Runtime), its preprocessors, the rest of the engine (Pekko dispatchers of the
 * {@code vggstream} actor system: aggregator, Kafka stream stages, timers, and the engine's Kafka clients),
 * the benchmark's own producer, consumer and driver, and everything else (the in-process broker,
 * JMX, the main thread).
 */
final class BenchThreads {

    static final String INFERENCE = "inference";
    static final String ENGINE = "engine";
    /** The engine's preprocessors: decode, rescale, tensors; work done once per frame. */
    static final String PREPROCESS = "preprocess";
    static final String BENCH = "bench";
    static final String OTHER = "other";
    /** The ceiling's loop runs on a thread of this name. */
    static final String CEILING_THREAD = "ceiling-inference";

    private BenchThreads() {
    }

    static String group(String name) {
        if (name.contains("dispatchers.inference") || name.equals(CEILING_THREAD)) {
            return INFERENCE;
        }
        if (name.contains("dispatchers.preprocess")) {
            return PREPROCESS;
        }
        // The benchmark's own consumer is assigned its partitions (no group), so a heartbeat thread is the engine's.
        if (name.startsWith("vggstream-") || name.startsWith("kafka-producer-network-thread | producer-")
            || name.startsWith("kafka-coordinator-heartbeat-thread")) {
            return ENGINE;
        }
        if (name.startsWith("bench-") || name.contains("| bench-")) {
            return BENCH;
        }
        return OTHER;
    }
}
