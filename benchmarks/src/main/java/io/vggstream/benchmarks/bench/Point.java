package io.vggstream.benchmarks.bench;

/**
 * One measured point of a run.
 *
 * @param mode {@link Mode#CEILING}, {@link Mode#IN_PROCESS}, {@link Mode#FULL_PATH} or {@link Mode#FULL_PATH_CHILD_BROKER}
 * @param batch the largest batch (ceiling: every batch is this size)
 * @param maxDelayMs the batcher's max-delay (NaN for the ceiling)
 * @param offeredRate frames/s offered in a latency run; NaN in a throughput run (as fast as it goes)
 * @param framesIn frames handed to the engine, or (full path) consumed by it (ceiling: frames' worth of tensors run)
 * @param framesOut frames answered with a complete prediction (every variant fused): what the rates count
 * @param partial frames answered at their deadline with only some variants (the engine was behind)
 * @param failed frames answered with a failure or dead letter
 * @param seconds the measured window
 * @param framesPerSecond steady-state frames per second in the window
 * @param imagesPerSecond inference inputs (variants) per second: frames x variants per frame
 * @param ratio frames/s against the ceiling at the same batch size (NaN for the ceiling itself)
 * @param latency from capture (or submission) to prediction, over the frames of the window
 * @param engineLatency the full path's time inside the engine (consumed to produced), from the predictions
 * @param batchMs the ceiling's mean time per batch (NaN elsewhere)
 * @param histogram batches by size in the window (index = size); null for the ceiling
 * @param histogramTotal batches by size over the whole run, warm-up included
 * @param inputsTotal inference inputs over the whole run (sum of size x count of {@code histogramTotal})
 * @param usage CPU and memory of the process in the window
 * @param overheadMsPerFrame CPU ms per frame of the engine's Java threads outside inference, and GC: per-frame work and
 *     per-second costs (timers, dispatcher wake-ups, Kafka polls) together, the latter weighing more at low frame rates
 * @param preprocessMsPerFrame of which the preprocessors' threads (decode, rescale, tensors): per-frame work only
 * @param note anything a reader should know about this point
 */
record Point(Mode mode, int batch, double maxDelayMs, double offeredRate, long framesIn, long framesOut, long partial, long failed,
             double seconds, double framesPerSecond, double imagesPerSecond, double ratio, Latencies.Summary latency,
             Latencies.Summary engineLatency, double batchMs, long[] histogram, long[] histogramTotal, long inputsTotal,
             ResourceMeter.Usage usage, double overheadMsPerFrame, double preprocessMsPerFrame, String note) {

    enum Mode {
        CEILING("a", "ceiling (bare ONNX Runtime)"),
        IN_PROCESS("b", "in-process engine"),
        FULL_PATH("c", "full path (Kafka, broker in the benchmark's JVM)"),
        /** The full path with the broker in a JVM of its own, as deployed: the broker's work leaves the engine's process. */
        FULL_PATH_CHILD_BROKER("c'", "full path (Kafka, broker in its own JVM)");

        final String letter;
        final String title;

        Mode(String letter, String title) {
            this.letter = letter;
            this.title = title;
        }
    }

    boolean isLatencyRun() {
        return !Double.isNaN(offeredRate);
    }

    Point withRatio(double r) {
        return new Point(mode, batch, maxDelayMs, offeredRate, framesIn, framesOut, partial, failed, seconds, framesPerSecond,
            imagesPerSecond, r, latency, engineLatency, batchMs, histogram, histogramTotal, inputsTotal, usage,
            overheadMsPerFrame, preprocessMsPerFrame, note);
    }

    /**
     * Frames per CPU-second of the work measured (the process less the benchmark's and the broker's threads): on a
     * shared machine, how much CPU the scheduler gave each mode varies; this rate discounts that.
     */
    double framesPerCpuSecond() {
        double cores = usage.workCores();
        return cores <= 0 ? Double.NaN : framesPerSecond / cores;
    }

    /**
     * Frames per CPU-second of the measured work and the broker together ({@link ResourceMeter.Usage#brokerCores}); the
     * same as {@link #framesPerCpuSecond} for the modes without Kafka.
     */
    double framesPerCpuSecondWithBroker() {
        if (mode != Mode.FULL_PATH && mode != Mode.FULL_PATH_CHILD_BROKER) {
            return framesPerCpuSecond();
        }
        double cores = usage.workCores() + usage.brokerCores();
        return cores <= 0 ? Double.NaN : framesPerSecond / cores;
    }

    boolean isFullPath() {
        return mode == Mode.FULL_PATH || mode == Mode.FULL_PATH_CHILD_BROKER;
    }

    /** Mean batch size of the window's histogram. */
    double meanBatch() {
        if (histogram == null) {
            return batch;
        }
        long n = 0;
        long s = 0;
        for (int i = 0; i < histogram.length; i++) {
            n += histogram[i];
            s += (long) i * histogram[i];
        }
        return n == 0 ? 0 : (double) s / n;
    }
}
