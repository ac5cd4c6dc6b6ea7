package io.vggstream.engine.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * An {@link EngineMain} child JVM as the launcher starts one: its crash files ({@code hs_err_pid*.log})
 * go to {@code logs}, not the working directory, and it runs in a working directory of its own, so
 * a test can tell that no crash file was written anywhere.
 */
public final class ChildEngine implements AutoCloseable {

    private static final java.time.Duration START_WITHIN = java.time.Duration.ofSeconds(180);

    private final Process process;
    private final StringBuffer log;
    private final Path logs;
    private final Path workDir;
    private final Thread reader;

    private ChildEngine(Process process, StringBuffer log, Path logs, Path workDir, Thread reader) {
        this.process = process;
        this.reader = reader;
        this.log = log;
        this.logs = logs;
        this.workDir = workDir;
    }

    /**
     * Starts {@code EngineMain args} and returns once it printed READY.
     *
     * @param jvmArgs extra JVM options, e.g. {@code -Dkey=value}
     */
    public static ChildEngine start(Path logs, Path workDir, List<String> jvmArgs, List<String> args) throws IOException {
        Files.createDirectories(logs);
        Files.createDirectories(workDir);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx512m", "-XX:ErrorFile=" + logs.resolve("hs_err_pid%p.log"),
            "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir")));
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), EngineMain.class.getName()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuffer log = new StringBuffer();
        CountDownLatch ready = new CountDownLatch(1);
        // Reads its output all along, so that it never blocks on a full pipe, and keeps it for the assertion messages.
        Thread drain = new Thread(() -> {
            try {
                for (String l = out.readLine(); l != null; l = out.readLine()) {
                    log.append(l).append('\n');
                    if (l.equals("READY")) {
                        ready.countDown();
                    }
                }
            } catch (IOException e) {
                // The pipe closed with the process.
            }
        }, "engine-output");
        drain.setDaemon(true);
        drain.start();
        try {
            long deadline = System.nanoTime() + START_WITHIN.toNanos();
            while (!ready.await(1, TimeUnit.SECONDS) && p.isAlive() && System.nanoTime() < deadline) {
                // Waits on READY, and stops waiting when the process has died.
            }
            if (ready.getCount() > 0) {
                p.destroyForcibly();
                throw new IllegalStateException("the engine process did not start (alive: " + p.isAlive() + ", within " + START_WITHIN + "):\n" + log);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return new ChildEngine(p, log, logs, workDir, drain);
    }

    public Process process() {
        return process;
    }

    /** What it printed so far (stdout and stderr). */
    public String log() {
        return log.toString();
    }

    /** Waits until its output holds {@code text}; fails naming it after {@code within}, or when the process has ended. */
    public void awaitLog(String text, java.time.Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!log.toString().contains(text)) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new AssertionError("no \"" + text + "\" in the engine's output (alive: " + process.isAlive() + "):\n" + log);
            }
            Thread.sleep(100);
        }
    }

    /** The frames in flight when it took the stop signal (the first number of its {@code STOPPING} line), -1 when it printed none. */
    public long inFlightAtStop() {
        return lineNumber("STOPPING ", 0);
    }

    /**
     * The frames it answered (predictions and dead letters) between the stop signal and its end: its {@code STOPPED} line's
     * count less its {@code STOPPING} line's; -1 when it printed either not.
     */
    public long answeredAfterStop() {
        long atSignal = lineNumber("STOPPING ", 1);
        long atEnd = lineNumber("STOPPED ", 0);
        return atSignal < 0 || atEnd < 0 ? -1 : atEnd - atSignal;
    }

    /** The {@code index}th number after {@code prefix} on the first line that starts with it; -1 when there is none. */
    private long lineNumber(String prefix, int index) {
        return log.toString().lines().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length()).trim().split(" "))
            .filter(n -> n.length > index).mapToLong(n -> Long.parseLong(n[index])).findFirst().orElse(-1);
    }

    /** Sends SIGTERM and waits for the exit: the exit code, or -1 when it did not exit within {@code seconds}. */
    public int terminate(long seconds) throws InterruptedException {
        // Through the handle: Process.destroy also closes the pipes, and the last lines would be lost.
        process.toHandle().destroy();
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            return -1;
        }
        // Its last lines: the pipe ends with the process.
        reader.join(10_000);
        return process.exitValue();
    }

    /** The crash files ({@code hs_err_pid*.log}) in the log folder and the working directory. */
    public List<Path> crashFiles() throws IOException {
        List<Path> found = new ArrayList<>();
        for (Path d : List.of(logs, workDir)) {
            try (Stream<Path> files = Files.list(d)) {
                files.filter(f -> f.getFileName().toString().startsWith("hs_err_pid")).forEach(found::add);
            }
        }
        return found;
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
