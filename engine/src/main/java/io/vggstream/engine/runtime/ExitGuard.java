package io.vggstream.engine.runtime;

import io.vggstream.engine.infer.OrtModel;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a JVM exit that the engine did not start (System.exit from a library; any exit while inference runs) from
 * freeing ONNX Runtime's environment under a run. ONNX Runtime's Java binding releases its native environment in a
 * shutdown hook of its own, and the JVM starts every hook at once, in no order: a run in progress then reads freed
 * memory (SIGSEGV in libonnxruntime.so). This guard
 * <ul>
 *   <li>takes ONNX Runtime's hook over, when {@code java.lang} is open to it
 *       ({@code --add-opens java.base/java.lang=ALL-UNNAMED}, which the launcher, the images and the tests pass): its
 *       own hook closes the gate (no run starts any more, {@link OrtModel#closeGate()}) and waits for the runs in progress,
 *       up to {@link #WAIT_MS} ms; the environment is never released (the process's end frees it), so neither a run
 *       nor a session's close can meet a released one; runs still going after the wait end the process with
 *       {@code Runtime.halt(}{@value #EXIT_CODE}{@code )};</li>
 *   <li>without that access, closes the gate and, when a run is in progress, halts at once with {@value #EXIT_CODE}:
 *       ONNX Runtime's hook starts beside it, so only the microseconds before the halt are left to chance.</li>
 * </ul>
 * The engine's own stop ({@code vggstream run}'s signals, the end of its streams) drains and closes every session first,
 * so by its exit nothing runs and the guard has nothing to do.
 */
public final class ExitGuard {

    /** The exit code of a process the guard ended because inference was still running when the JVM began to exit. */
    public static final int EXIT_CODE = 88;
    /** How long an exit waits for the runs in progress. */
    static final long WAIT_MS = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(ExitGuard.class);
    private static boolean installed;
    private static boolean tookOver;

    private ExitGuard() {
    }

    /** Installs the guard once per process; call after ONNX Runtime's environment exists (a session was opened). */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        installed = true;
        List<Thread> ortHooks = ortHooks();
        for (Thread t : ortHooks) {
            tookOver |= Runtime.getRuntime().removeShutdownHook(t);
        }
        Thread guard = new Thread(ExitGuard::onExit, "vggstream-exit-guard");
        Runtime.getRuntime().addShutdownHook(guard);
        if (!tookOver) {
            LOG.info("exit guard: ONNX Runtime's shutdown hook could not be taken over (java.lang is not open to the engine:"
                + " --add-opens java.base/java.lang=ALL-UNNAMED); an exit during a run halts the process at once instead");
        }
    }

    /** Whether ONNX Runtime's own shutdown hook was replaced by the guard's. */
    public static synchronized boolean tookOver() {
        return tookOver;
    }

    private static void onExit() {
        OrtModel.closeGate();
        int atExit = OrtModel.runsInProgress();
        long t0 = System.nanoTime();
        if (tookOver) {
            long deadline = System.nanoTime() + WAIT_MS * 1_000_000;
            while (OrtModel.runsInProgress() > 0 && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    break;
                }
            }
        }
        int running = OrtModel.runsInProgress();
        if (running > 0) {
            // Logging may be shut down already: straight to stderr.
            System.err.println("vggstream: the JVM is exiting with " + running + " ONNX Runtime run(s) in progress: ending the process"
                + " without releasing its environment under them (exit code " + EXIT_CODE + ")");
            System.err.flush();
            Runtime.getRuntime().halt(EXIT_CODE);
        }
        if (atExit > 0) {
            System.err.println("vggstream: exit guard: " + atExit + " ONNX Runtime run(s) in progress at the exit, waited "
                + (System.nanoTime() - t0) / 1_000_000 + " ms for them");
            System.err.flush();
        }
        // Nothing runs and nothing can start. ONNX Runtime's hook is not run at all: sessions may still be closing on
        // the actor threads (Pekko's own shutdown hook stops them), and the process's end frees the environment anyway.
    }

    /** ONNX Runtime's shutdown hooks (threads whose task is its {@code OrtEnvCloser}); empty when they cannot be seen. */
    private static List<Thread> ortHooks() {
        List<Thread> found = new ArrayList<>();
        try {
            Class<?> hooksClass = Class.forName("java.lang.ApplicationShutdownHooks");
            Field hooksField = hooksClass.getDeclaredField("hooks");
            hooksField.setAccessible(true);
            Map<?, ?> hooks;
            synchronized (hooksClass) {
                hooks = Map.copyOf((Map<?, ?>) hooksField.get(null));
            }
            for (Object key : hooks.keySet()) {
                if (key instanceof Thread t && isOrtCloser(task(t))) {
                    found.add(t);
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("exit guard: cannot read the JVM's shutdown hooks: {}", e.toString());
        }
        return found;
    }

    private static boolean isOrtCloser(Object task) {
        return task != null && task.getClass().getName().equals("ai.onnxruntime.OrtEnvironment$OrtEnvCloser");
    }

    /** A thread's Runnable: the {@code target} field up to Java 18, the field holder's {@code task} from 19. */
    private static Object task(Thread t) throws ReflectiveOperationException {
        try {
            Field target = Thread.class.getDeclaredField("target");
            target.setAccessible(true);
            return target.get(t);
        } catch (NoSuchFieldException e) {
            Field holderField = Thread.class.getDeclaredField("holder");
            holderField.setAccessible(true);
            Object holder = holderField.get(t);
            Field task = holder.getClass().getDeclaredField("task");
            task.setAccessible(true);
            return task.get(holder);
        }
    }
}
