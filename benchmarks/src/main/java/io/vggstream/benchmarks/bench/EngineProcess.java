package io.vggstream.benchmarks.bench;

import io.vggstream.engine.serve.Serve;
import io.vggstream.topics.config.StrictConfig;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One engine instance in a JVM of its own: the job behind {@code vggstream run} ({@link Serve}), with
 * everything it needs in one settings file (its only argument), without the launcher's commands. The
 * scale-out measurement starts two of these in one consumer group and stops them with SIGTERM, which
 * drains them.
 */
public final class EngineProcess {

    private EngineProcess() {
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: EngineProcess SETTINGS-FILE");
            System.exit(2);
        }
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        try {
            Serve.run(Serve.Options.from(StrictConfig.load(Optional.of(Path.of(args[0])))), out);
        } catch (RuntimeException e) {
            System.err.println("engine failed: " + e.getMessage());
            System.exit(1);
        }
        System.exit(0);
    }
}
