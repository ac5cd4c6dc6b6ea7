package io.vggstream.benchmarks.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * A JDK Flight Recorder recording (the JDK's {@code profile} settings: Java samples every 10 ms,
 * threads in native code every 20 ms) around one measured point, and a summary of where the
 * samples of its measured window fell: by thread group, and the hottest methods of the engine's
 * threads outside inference. The recording also holds the point's warm-up, which the summary leaves
 * out: on 2 cores that is a minute of the JIT compiling, when code runs interpreted and its samples
 * say where a cold engine spends its time (a (c) recording's prediction JSON writer had ten times the
 * samples its warm cost accounts for).
 * Open the .jfr file in JDK Mission Control, or {@code jfr print --events jdk.ExecutionSample FILE}.
 */
final class Profiler implements AutoCloseable {

    private final Recording recording;

    private Profiler(Recording recording) {
        this.recording = recording;
    }

    static Profiler start() {
        try {
            Recording r = new Recording(Configuration.getConfiguration("profile"));
            r.start();
            return new Profiler(r);
        } catch (IOException | ParseException e) {
            throw new IllegalStateException("cannot start a JFR recording: " + e.getMessage(), e);
        }
    }

    /** Stops, writes the recording to {@code file}, and summarises its samples from {@code from} to {@code to}. */
    Summary stop(Path file, Instant from, Instant to) throws IOException {
        recording.stop();
        recording.dump(file);
        recording.close();
        return summarise(file, from, to);
    }

    @Override
    public void close() {
        recording.close();
    }

    /**
     * @param samplesByGroup samples of threads running Java code, by thread group (see {@link BenchThreads})
     * @param engineHot the engine's (non-inference) threads' top frames, most sampled first
     * @param inferenceHot the inference workers' top frames
     * @param seconds the window summarised
     */
    record Summary(Path file, Map<String, Long> samplesByGroup, List<Hot> engineHot, List<Hot> inferenceHot, double seconds) {
    }

    /** A method and how many samples had it on top of the stack. */
    record Hot(String method, long samples, double share) {
    }

    static Summary summarise(Path file, Instant from, Instant to) throws IOException {
        Map<String, Long> byGroup = new TreeMap<>();
        Map<String, Long> engine = new HashMap<>();
        Map<String, Long> inference = new HashMap<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            String type = e.getEventType().getName();
            boolean sample = type.equals("jdk.ExecutionSample") || type.equals("jdk.NativeMethodSample");
            if (!sample || e.getStartTime().isBefore(from) || e.getStartTime().isAfter(to)) {
                continue;
            }
            RecordedThread t = e.getThread("sampledThread");
            String name = t == null || t.getJavaName() == null ? "?" : t.getJavaName();
            String group = BenchThreads.group(name);
            boolean java = type.equals("jdk.ExecutionSample");
            // Native samples include threads blocked in a poll or a wait: only the inference thread's (inside
            // ONNX Runtime) are work. Java samples are threads running Java code.
            if (java) {
                byGroup.merge(group, 1L, Long::sum);
            }
            RecordedStackTrace st = e.getStackTrace();
            if (st == null || st.getFrames().isEmpty()) {
                continue;
            }
            String top = frame(st.getFrames().get(0));
            if (java && (group.equals(BenchThreads.ENGINE) || group.equals(BenchThreads.PREPROCESS))) {
                engine.merge(top, 1L, Long::sum);
            } else if (group.equals(BenchThreads.INFERENCE)) {
                inference.merge(top, 1L, Long::sum);
            }
        }
        return new Summary(file, byGroup, hottest(engine, 15), hottest(inference, 5), Duration.between(from, to).toMillis() / 1e3);
    }

    private static String frame(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    private static List<Hot> hottest(Map<String, Long> counts, int n) {
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        List<Hot> out = new ArrayList<>();
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(n)
            .forEach(e -> out.add(new Hot(e.getKey(), e.getValue(), total == 0 ? 0 : (double) e.getValue() / total)));
        return out;
    }
}
