package io.vggstream.benchmarks.bench;

import io.vggstream.report.MachineInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** What the numbers were measured on. */
final class Machine {

    private Machine() {
    }

    /** Cores, CPU model, memory, OS and JVM in one line. */
    static String describe() {
        String cpu = MachineInfo.cpuModel();
        long memKb = 0;
        try {
            memKb = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
                .map(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElse(0L);
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return String.format(Locale.ROOT, "%d cores (%s), %.0f GB RAM, %s %s, Java %s (%s)", Runtime.getRuntime().availableProcessors(), cpu,
            memKb / 1024.0 / 1024.0, System.getProperty("os.name"), System.getProperty("os.arch"), System.getProperty("java.version"),
            System.getProperty("java.vm.name"));
    }

    /** The 1, 5 and 15 minute load averages, or NaNs. */
    static double[] loadAverage() {
        return MachineInfo.loadAverage();
    }
}
