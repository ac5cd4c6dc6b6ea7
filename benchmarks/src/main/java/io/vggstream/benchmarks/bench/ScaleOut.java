package io.vggstream.benchmarks.bench;

import io.vggstream.engine.settings.EngineSettings;
import io.vggstream.topics.KafkaLimits;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;

/**
 * Scale-out: N engine processes ({@link EngineProcess}, i.e. {@code vggstream run}, each in its own
 * JVM) in one consumer group on a frames topic with several partitions, fed by one producer. Kafka
 * splits the partitions among them; the result says which partitions each took (the group's
 * description from the Admin API), its share of the predictions, its CPU, and the aggregate rate.
 * The cores are split fairly: each of N processes gets cores / N ONNX Runtime threads.
 */
final class ScaleOut {

    private ScaleOut() {
    }

    /** One process of a phase: its consumer's client id, the partitions it was assigned, what it did. */
    record Member(String clientId, List<Integer> partitions, double framesPerSecond, double cpuShare, long peakRssBytes) {
    }

    /**
     * N processes together.
     *
     * @param engineCpuSeconds CPU time of the engine processes in the window (from /proc/PID/stat)
     * @param brokerCpuSeconds CPU time of the broker's process in the window, NaN when the broker is not a child process
     * @param broker where the broker ran
     */
    record Phase(int processes, int threadsPerProcess, double framesPerSecond, double seconds, List<Member> members,
                 double engineCpuSeconds, double brokerCpuSeconds, String broker, String note) {

        /** Frames per CPU-second of the engine processes. */
        double framesPerEngineCpuSecond() {
            return engineCpuSeconds <= 0 ? Double.NaN : framesPerSecond * seconds / engineCpuSeconds;
        }

        /** Frames per CPU-second of the engine processes and the broker's together (NaN without a child broker). */
        double framesPerCpuSecondWithBroker() {
            double cpu = engineCpuSeconds + brokerCpuSeconds;
            return !(cpu > 0) ? Double.NaN : framesPerSecond * seconds / cpu;
        }
    }

    /** What each child is started with. */
    record Child(Path model, String protocol, int batch, Duration maxDelay, int maxInFlight, String resolution) {
    }

    static Phase run(int processes, Child child, Brokers.Broker broker, TopicsSettings base, String prefix, int partitions,
                     List<byte[]> frames, Warmup warmup, Duration measure, int burst, Path workDir, Consumer<String> log)
        throws IOException, InterruptedException {
        KafkaSettings kafka = broker.kafka();
        int cores = Runtime.getRuntime().availableProcessors();
        int threads = Math.max(1, cores / processes);
        String group = prefix + "-group";
        TopicsSettings topics = BenchTopics.create(kafka, base, prefix, partitions);
        List<Process> children = new ArrayList<>();
        long backlog = processes * (2L * child.maxInFlight() + 4L * burst) + 2L * partitions;
        try (PredictionCollector out = new PredictionCollector(kafka, topics).start();
             FrameFeeder in = new FrameFeeder(kafka, topics, frames, partitions, Double.NaN, out::count, backlog, () -> true).start();
             Admin admin = Admin.create(KafkaLimits.admin(kafka))) {
            for (int i = 1; i <= processes; i++) {
                children.add(start(i, processes, child, kafka, topics, group, threads, workDir));
            }
            log.accept(String.format(Locale.ROOT, "  %d engine process(es) starting (pids %s), %d ONNX Runtime thread(s) each ...",
                processes, children.stream().map(p -> Long.toString(p.pid())).toList(), threads));
            Map<String, List<Integer>> assignment = awaitStable(admin, group, processes, children, out, workDir);
            // Fresh JVMs: warm until their JIT (and a child broker's) has settled too, or the one with more processes pays for more compiling.
            JitGate jit = warmup.gate(children, broker.pids());
            Thread.sleep(warmup.min().toMillis());
            jit.await();
            Map<Long, Double> cpu0 = cpu(children);
            double broker0 = brokerCpu(broker);
            long t0 = System.nanoTime();
            Thread.sleep(measure.toMillis());
            long t1 = System.nanoTime();
            Map<Long, Double> cpu1 = cpu(children);
            double broker1 = brokerCpu(broker);
            double engineCpu = 0;
            for (Process p : children) {
                engineCpu += cpu1.get(p.pid()) - cpu0.get(p.pid());
            }
            Map<String, List<Integer>> after = members(describe(admin, group));
            String note = after.equals(assignment) ? "" : "the group rebalanced during the window: " + assignment + " then " + after;
            if (!jit.describe().isEmpty()) {
                note = note.isEmpty() ? jit.describe() : note + "; " + jit.describe();
            }
            Completions.Window all = out.arrivals().window(t0, t1, burst);
            List<Member> members = new ArrayList<>();
            for (Map.Entry<String, List<Integer>> m : assignment.entrySet()) {
                long answered = 0;
                for (int p : m.getValue()) {
                    Completions tl = out.bySourcePartition().get(p);
                    answered += tl == null ? 0 : tl.count(t0, t1);
                }
                Process proc = childFor(m.getKey(), children);
                double share = proc == null ? Double.NaN
                    : (cpu1.get(proc.pid()) - cpu0.get(proc.pid())) / ((t1 - t0) / 1e9) / cores;
                members.add(new Member(m.getKey(), m.getValue(), answered / ((t1 - t0) / 1e9), share,
                    proc == null ? 0 : ResourceMeter.peakRssBytes(proc.pid())));
            }
            in.stop();
            // The engines' CPU is over the whole window; the rate's window is a whole number of bursts inside it: scale to it.
            double scale = all.seconds() / ((t1 - t0) / 1e9);
            return new Phase(processes, threads, all.rate(), all.seconds(), members, engineCpu * scale, (broker1 - broker0) * scale,
                broker.description(), note);
        } finally {
            for (Process p : children) {
                p.destroy(); // SIGTERM: the engine drains, produces and commits what it holds
            }
            for (Process p : children) {
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
            BenchTopics.delete(kafka, topics);
        }
    }

    private static Process start(int index, int processes, Child child, KafkaSettings kafka, TopicsSettings topics, String group,
                                 int threads, Path workDir) throws IOException {
        Files.createDirectories(workDir);
        String clientId = "bench-engine-" + index;
        Path conf = workDir.resolve("engine-" + processes + "-" + index + ".conf");
        String hocon = String.join("\n",
            "vggstream.kafka.clients { \"client.id\" = " + quote(clientId) + " }",
            "vggstream.topics.frames.name = " + quote(topics.frames().name()),
            "vggstream.topics.predictions.name = " + quote(topics.predictions().name()),
            "vggstream.topics.dead-letter.name = " + quote(topics.deadLetter().name()),
            "vggstream.engine.max-in-flight = " + child.maxInFlight(),
            "vggstream.engine.inference.threads-per-worker = " + threads,
            "vggstream.engine.preprocess.workers = " + threads,
            "vggstream.engine.status-interval = 2 s",
            // Several engines on one host: no ops HTTP endpoint, whose port they would fight over.
            "vggstream.engine.ops.port = 0",
            "vggstream.engine.warmup-frame-sizes = [" + quote(child.resolution()) + "]",
            // What vggstream run takes as flags, here as settings: EngineProcess reads only this file.
            "vggstream.kafka.bootstrap-servers = " + quote(kafka.bootstrapServers()),
            "vggstream.engine.group-id = " + quote(group),
            "vggstream.engine.models = [" + quote(child.model().toString()) + "]",
            "vggstream.engine.protocol = " + quote(child.protocol()),
            "vggstream.engine.inference.devices = [\"cpu\"]",
            "vggstream.engine.inference.max-batch-size = " + child.batch(),
            "vggstream.engine.inference.max-delay = " + child.maxDelay().toNanos() + " ns",
            "");
        Files.writeString(conf, hocon, StandardCharsets.UTF_8);
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
        // A crash file beside the engine's log, not in the working directory.
        cmd.add("-XX:ErrorFile=" + workDir.resolve("hs_err_pid%p.log"));
        cmd.add("-Dorg.bytedeco.javacpp.logger=slf4j");
        // As the launcher sets it (cli's NativeMemory): no read of /proc/self/statm on every native allocation.
        cmd.add("-Dorg.bytedeco.javacpp.maxPhysicalBytes=0");
        cmd.add(EngineProcess.class.getName());
        cmd.add(conf.toString());
        Path logFile = workDir.resolve("engine-" + processes + "-" + index + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(logFile.toFile());
        // The classpath goes in the environment, not on the command line: ONNX Runtime 1.29 crashes (SIGSEGV) at
        // start-up when the process's command line is longer than about 4 KB, and a launcher's expanded classpath is.
        pb.environment().put("CLASSPATH", System.getProperty("java.class.path"));
        return pb.start();
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Waits until the group has all its members, each with partitions, and every partition's frames are being answered. */
    private static Map<String, List<Integer>> awaitStable(Admin admin, String group, int processes, List<Process> children,
                                                          PredictionCollector out, Path workDir) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        while (System.nanoTime() < deadline) {
            for (Process p : children) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("engine process " + p.pid() + " exited with " + p.exitValue()
                        + " before the group formed; its output is in " + workDir);
                }
            }
            try {
                ConsumerGroupDescription d = describe(admin, group);
                Map<String, List<Integer>> m = members(d);
                boolean everyoneHasWork = m.size() == processes && m.values().stream().noneMatch(List::isEmpty);
                if (d.groupState() == GroupState.STABLE && everyoneHasWork) {
                    // Every member answers from its partitions in two seconds running, and the group did not move
                    // meanwhile: one second alone can be the previous owner's frames, finished after a rebalance.
                    boolean allAnswer = true;
                    for (int second = 0; second < 2 && allAnswer; second++) {
                        Map<String, Long> before = answeredBy(m, out);
                        Thread.sleep(1000);
                        Map<String, Long> after = answeredBy(m, out);
                        allAnswer = m.keySet().stream().allMatch(k -> after.get(k) > before.get(k));
                    }
                    if (allAnswer && members(describe(admin, group)).equals(m)) {
                        return m;
                    }
                    continue;
                }
            } catch (IllegalStateException e) {
                // the group does not exist yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the " + processes + " engine processes did not form a stable group with work for each"
            + " within 4 minutes; their output is in " + workDir);
    }

    /** Complete predictions so far from each member's partitions. */
    private static Map<String, Long> answeredBy(Map<String, List<Integer>> members, PredictionCollector out) {
        Map<String, Long> n = new TreeMap<>();
        members.forEach((member, partitions) -> n.put(member, partitions.stream()
            .mapToLong(p -> out.bySourcePartition().containsKey(p) ? out.bySourcePartition().get(p).total() : 0).sum()));
        return n;
    }

    private static ConsumerGroupDescription describe(Admin admin, String group) {
        try {
            return admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot describe consumer group " + group + ": " + e.getMessage(), e);
        }
    }

    /** Client id to the partitions of the frames topic it holds, sorted. */
    private static Map<String, List<Integer>> members(ConsumerGroupDescription d) {
        Map<String, List<Integer>> m = new TreeMap<>();
        for (MemberDescription md : d.members()) {
            m.put(md.clientId(), md.assignment().topicPartitions().stream().map(TopicPartition::partition)
                .sorted(Comparator.naturalOrder()).toList());
        }
        return m;
    }

    private static Process childFor(String clientId, List<Process> children) {
        try {
            int index = Integer.parseInt(clientId.substring(clientId.lastIndexOf('-') + 1));
            return index >= 1 && index <= children.size() ? children.get(index - 1) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static double brokerCpu(Brokers.Broker broker) {
        return broker.pids().length == 0 ? Double.NaN : ResourceMeter.processCpuSeconds(broker.pids()[0]);
    }

    private static Map<Long, Double> cpu(List<Process> children) {
        Map<Long, Double> m = new TreeMap<>();
        for (Process p : children) {
            m.put(p.pid(), ResourceMeter.processCpuSeconds(p.pid()));
        }
        return m;
    }

    /** The children run what the parent measured in-process: its model, protocol, batching and in-flight bound. */
    static Child childOf(EngineSettings s, Path model, String resolution) {
        return new Child(model, s.protocol().toString(), s.inference().maxBatchSize(), s.inference().maxDelay(), s.maxInFlight(), resolution);
    }
}
