package io.vggstream.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What a figure was measured on, from Linux's /proc: the CPU model and the load averages. */
public final class MachineInfo {

    /** The CPU model where /proc/cpuinfo is missing or says nothing. */
    public static final String UNKNOWN_CPU = "unknown CPU";

    private MachineInfo() {
    }

    /** The CPU's model name, as /proc/cpuinfo gives it; {@link #UNKNOWN_CPU} elsewhere. */
    public static String cpuModel() {
        try {
            return cpuModel(Files.readAllLines(Path.of("/proc/cpuinfo")));
        } catch (IOException e) {
            return UNKNOWN_CPU;
        }
    }

    /** The first {@code model name} among /proc/cpuinfo's lines; {@link #UNKNOWN_CPU} when none. */
    public static String cpuModel(List<String> cpuinfo) {
        return cpuinfo.stream().filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).strip())
            .filter(m -> !m.isEmpty()).findFirst().orElse(UNKNOWN_CPU);
    }

    /** The 1, 5 and 15 minute load averages, or NaNs where /proc/loadavg is missing. */
    public static double[] loadAverage() {
        try {
            return loadAverage(Files.readString(Path.of("/proc/loadavg")));
        } catch (IOException e) {
            return new double[] {Double.NaN, Double.NaN, Double.NaN};
        }
    }

    /** The three load averages of a /proc/loadavg line ({@code "0.52 0.58 0.59 1/389 12345"}), or NaNs when malformed. */
    public static double[] loadAverage(String loadavg) {
        String[] f = loadavg.strip().split("\\s+");
        try {
            return new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])};
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            return new double[] {Double.NaN, Double.NaN, Double.NaN};
        }
    }
}
