package io.vggstream.cli.video;

import com.typesafe.config.ConfigException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** What the video commands share: bad options are usage errors (exit 2), and Ctrl-C ends a run cleanly. */
public final class Commands {

    private Commands() {
    }

    /** Builds the options; a value out of range or a bad setting becomes picocli's usage error (exit 2) with its message. */
    public static <T> T options(CommandSpec spec, Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException | ConfigException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    /**
     * On Ctrl-C or SIGTERM, runs {@code stop} and waits (up to {@code grace}) for {@code done},
     * so the command can flush and print its summary before the JVM goes. Returns the hook, to
     * remove with {@link #removeHook} when the command ends by itself.
     */
    public static Thread onShutdown(String name, Runnable stop, CountDownLatch done, long graceSeconds) {
        Thread hook = new Thread(() -> {
            stop.run();
            try {
                done.await(graceSeconds, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "vggstream-" + name + "-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    /** Removes a hook unless the JVM is already shutting down (then it is running, and harmless). */
    public static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // shutting down: the hook runs and finds the work done
        }
    }
}
