package io.vggstream.benchmarks.bench;

import io.vggstream.report.ProcStatus;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;

/**
 * What a measured window cost the process: CPU time (the whole process, and per group of Java
 * threads, e.g. the engine's actors apart from its inference workers), the JVM's own GC threads,
 * the largest heap and resident set seen, and the native memory the JVM tracks when
 * {@code -XX:NativeMemoryTracking=summary} is on. Samples memory on a daemon thread every 100 ms.
 */
final class ResourceMeter implements AutoCloseable {

    /** JVM-internal threads as Linux names them (15 characters at most): GC and the VM thread. */
    private static final Pattern GC_THREAD = Pattern.compile("^(GC Thread|G1 |VM Thread|VM Periodic).*");
    private static final Pattern COMPILER_THREAD = Pattern.compile("^C[12] CompilerThre.*");
    private static final Pattern NMT_TOTAL = Pattern.compile("Total: reserved=(\\d+)KB, committed=(\\d+)KB");
    private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final Function<String, String> groupOf;
    private final Map<Long, Long> threadCpuAtStart;
    private final long processCpuAtStart;
    private final long gcTicksAtStart;
    private final long startNanos;
    private final Instant startedAt;
    private final long[] childPids;
    private final double childCpuAtStart;
    private final Thread sampler;
    private volatile boolean running = true;
    private volatile long heapMax;
    private volatile long rssMax;

    /**
     * @param groupOf a Java thread's name to its group, e.g. {@code engine}, {@code inference}, {@code bench}
     */
    ResourceMeter(Function<String, String> groupOf) {
        this(groupOf, new long[0]);
    }

    /**
     * @param groupOf a Java thread's name to its group
     * @param childPids other processes whose CPU the window also counts (a broker in its own JVM), read from /proc
     */
    ResourceMeter(Function<String, String> groupOf, long... childPids) {
        this.groupOf = groupOf;
        this.childPids = childPids.clone();
        this.childCpuAtStart = childCpuSeconds();
        if (threads.isThreadCpuTimeSupported() && !threads.isThreadCpuTimeEnabled()) {
            threads.setThreadCpuTimeEnabled(true);
        }
        this.threadCpuAtStart = threadCpu();
        this.processCpuAtStart = processCpuNanos();
        this.gcTicksAtStart = gcTicks();
        this.startNanos = System.nanoTime();
        this.startedAt = Instant.now();
        sample();
        this.sampler = new Thread(() -> {
            while (running) {
                sample();
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }, "bench-meter");
        sampler.setDaemon(true);
        sampler.start();
    }

    private void sample() {
        heapMax = Math.max(heapMax, memory.getHeapMemoryUsage().getUsed());
        rssMax = Math.max(rssMax, rssBytes());
    }

    /** Ends the window. */
    Usage stop() {
        running = false;
        sampler.interrupt();
        sample();
        double wall = (System.nanoTime() - startNanos) / 1e9;
        double process = (processCpuNanos() - processCpuAtStart) / 1e9;
        Map<String, Double> byGroup = new TreeMap<>();
        Map<Long, Long> now = threadCpu();
        Map<Long, String> names = threadNames(now.keySet());
        for (Map.Entry<Long, Long> e : now.entrySet()) {
            long before = threadCpuAtStart.getOrDefault(e.getKey(), 0L);
            String name = names.get(e.getKey());
            if (name == null || e.getValue() < 0) {
                continue;
            }
            byGroup.merge(groupOf.apply(name), (e.getValue() - before) / 1e9, Double::sum);
        }
        double gc = (gcTicks() - gcTicksAtStart) / (double) TICKS_PER_SECOND;
        double children = childPids.length == 0 ? Double.NaN : childCpuSeconds() - childCpuAtStart;
        return new Usage(wall, process, Runtime.getRuntime().availableProcessors(), byGroup, gc, heapMax,
            memory.getHeapMemoryUsage().getCommitted(), rssMax, nmtCommittedBytes(), children, startedAt, Instant.now());
    }

    private double childCpuSeconds() {
        double sum = 0;
        for (long pid : childPids) {
            sum += Math.max(0, processCpuSeconds(pid));
        }
        return sum;
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
    }

    /**
     * One window's costs.
     *
     * @param wallSeconds the window's length
     * @param processCpuSeconds CPU time of the whole process (every thread, native ones too)
     * @param cores the cores the JVM sees
     * @param cpuSecondsByGroup CPU time of the Java threads by group
     * @param gcCpuSeconds CPU time of the JVM's GC and VM threads
     * @param heapUsedMaxBytes the most heap in use at any sample
     * @param heapCommittedBytes heap committed at the end
     * @param rssMaxBytes the largest resident set (VmRSS) at any sample: heap, natives, model weights
     * @param nmtCommittedBytes native memory tracking's committed total, when it is on
     * @param childCpuSeconds CPU time of the other processes metered (a broker in its own JVM), NaN when there were none
     * @param from the window's start by the wall clock (what a JFR recording's events are stamped with)
     * @param to its end
     */
    record Usage(double wallSeconds, double processCpuSeconds, int cores, Map<String, Double> cpuSecondsByGroup,
                 double gcCpuSeconds, long heapUsedMaxBytes, long heapCommittedBytes, long rssMaxBytes,
                 OptionalLong nmtCommittedBytes, double childCpuSeconds, Instant from, Instant to) {

        /** Two windows as one: times added, memory at its largest. */
        Usage plus(Usage o) {
            Map<String, Double> groups = new TreeMap<>(cpuSecondsByGroup);
            o.cpuSecondsByGroup.forEach((k, v) -> groups.merge(k, v, Double::sum));
            return new Usage(wallSeconds + o.wallSeconds, processCpuSeconds + o.processCpuSeconds, cores, groups,
                gcCpuSeconds + o.gcCpuSeconds, Math.max(heapUsedMaxBytes, o.heapUsedMaxBytes), Math.max(heapCommittedBytes, o.heapCommittedBytes),
                Math.max(rssMaxBytes, o.rssMaxBytes), o.nmtCommittedBytes.isPresent() ? o.nmtCommittedBytes : nmtCommittedBytes,
                Double.isNaN(childCpuSeconds) ? o.childCpuSeconds : Double.isNaN(o.childCpuSeconds) ? childCpuSeconds
                    : childCpuSeconds + o.childCpuSeconds,
                from.isBefore(o.from) ? from : o.from, to.isAfter(o.to) ? to : o.to);
        }

        /** The process's CPU use as a share of all cores, 0..1. */
        double cpuShare() {
            return wallSeconds <= 0 ? 0 : processCpuSeconds / wallSeconds / cores;
        }

        /**
         * Cores the measured work used: the process's CPU without the benchmark's own producer, consumer and
         * driver threads and without the rest (an in-process broker), per second of the window.
         */
        double workCores() {
            return wallSeconds <= 0 ? 0 : (processCpuSeconds - group(BenchThreads.BENCH) - group(BenchThreads.OTHER)) / wallSeconds;
        }

        /**
         * Cores the broker used: the child process metered when there is one, else the in-process rest
         * ({@link BenchThreads#OTHER}: the broker's threads, and the JVM's idle housekeeping).
         */
        double brokerCores() {
            if (wallSeconds <= 0) {
                return 0;
            }
            return (Double.isNaN(childCpuSeconds) ? group(BenchThreads.OTHER) : childCpuSeconds) / wallSeconds;
        }

        double group(String name) {
            return cpuSecondsByGroup.getOrDefault(name, 0.0);
        }
    }

    private Map<Long, Long> threadCpu() {
        Map<Long, Long> m = new HashMap<>();
        for (long id : threads.getAllThreadIds()) {
            long t = threads.getThreadCpuTime(id);
            if (t >= 0) {
                m.put(id, t);
            }
        }
        return m;
    }

    private Map<Long, String> threadNames(java.util.Set<Long> ids) {
        Map<Long, String> names = new HashMap<>();
        long[] arr = ids.stream().mapToLong(Long::longValue).toArray();
        for (ThreadInfo info : threads.getThreadInfo(arr)) {
            if (info != null) {
                names.put(info.getThreadId(), info.getThreadName());
            }
        }
        return names;
    }

    static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }

    /** CPU ticks of the JVM's GC and VM threads, from /proc (they are not Java threads). */
    static long gcTicks() {
        return threadTicks("self", GC_THREAD);
    }

    /** utime + stime of a /proc stat line (fields 14 and 15, counted after the parenthesised name). */
    static long ticks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** CPU time so far of another JVM's JIT compiler threads, in ms (what {@link JitGate} watches in the scale-out's children). */
    static long compilerMillis(long pid) {
        return threadTicks(Long.toString(pid), COMPILER_THREAD) * 1000 / TICKS_PER_SECOND;
    }

    /** utime + stime, in ticks, of the threads of /proc/{@code process} whose name matches {@code names}; 0 without /proc. */
    private static long threadTicks(String process, Pattern names) {
        long sum = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", process, "task"))) {
            for (Path t : tasks) {
                try {
                    if (names.matcher(Files.readString(t.resolve("comm")).strip()).matches()) {
                        sum += ticks(Files.readString(t.resolve("stat")));
                    }
                } catch (IOException | RuntimeException e) {
                    // the thread ended between listing and reading
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return sum;
    }

    /** CPU seconds of another process so far (for the scale-out's child JVMs), or -1. */
    static double processCpuSeconds(long pid) {
        try {
            return ticks(Files.readString(Path.of("/proc/" + pid + "/stat"))) / (double) TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** VmRSS of this process in bytes (0 where /proc is missing). */
    static long rssBytes() {
        return ProcStatus.residentBytes().orElse(0);
    }

    /** VmHWM (peak resident set) of a process in bytes, or 0. */
    static long peakRssBytes(long pid) {
        return ProcStatus.peakResidentBytes(pid).orElse(0);
    }

    /** The committed total of {@code jcmd VM.native_memory summary}, when the JVM tracks native memory. */
    static OptionalLong nmtCommittedBytes() {
        try {
            Object out = ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
                new Object[] {new String[] {"summary"}}, new String[] {String[].class.getName()});
            Matcher m = NMT_TOTAL.matcher(String.valueOf(out));
            return m.find() ? OptionalLong.of(Long.parseLong(m.group(2)) * 1024) : OptionalLong.empty();
        } catch (Exception e) {
            return OptionalLong.empty();
        }
    }
}
