package io.vggstream.benchmarks.bench;

import io.vggstream.engine.cli.RunCommand;
import picocli.CommandLine;

/**
 * One engine instance in a JVM of its own: exactly {@code vggstream run} (the same command, flags
 * and settings file), without the launcher's other commands. The scale-out measurement starts two
 * of these in one consumer group and stops them with SIGTERM, which drains them.
 */
public final class EngineProcess {

    private EngineProcess() {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new RunCommand()).execute(args));
    }
}
