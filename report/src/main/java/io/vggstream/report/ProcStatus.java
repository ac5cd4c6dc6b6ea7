package io.vggstream.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * Memory figures from Linux's {@code /proc/<pid>/status}: the resident set ({@code VmRSS}) and its
 * peak ({@code VmHWM}). The JVM's own MXBeans see the heap and direct buffers only, not the natives
 * (ONNX Runtime, libtorch, OpenCV) that make most of a process's memory here.
 */
public final class ProcStatus {

    /** The resident set now. */
    public static final String RESIDENT = "VmRSS:";
    /** The largest resident set so far. */
    public static final String PEAK_RESIDENT = "VmHWM:";

    private ProcStatus() {
    }

    /** This process's resident set in bytes; empty where /proc is missing (not Linux). */
    public static OptionalLong residentBytes() {
        return bytes(Path.of("/proc/self/status"), RESIDENT);
    }

    /** The peak resident set of process {@code pid} in bytes; empty where it cannot be read (ended, not Linux). */
    public static OptionalLong peakResidentBytes(long pid) {
        return bytes(Path.of("/proc/" + pid + "/status"), PEAK_RESIDENT);
    }

    /** The field {@code key} (as {@link #RESIDENT}) of a status file, in bytes; empty when absent or unreadable. */
    public static OptionalLong bytes(Path status, String key) {
        try {
            return bytes(Files.readAllLines(status), key);
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }

    /** The field {@code key} among status lines ({@code "VmRSS:\t  123456 kB"}), in bytes; empty when absent or malformed. */
    public static OptionalLong bytes(List<String> lines, String key) {
        for (String line : lines) {
            if (line.startsWith(key)) {
                String[] f = line.substring(key.length()).strip().split("\\s+");
                if (f.length != 2 || !f[1].equals("kB")) {
                    return OptionalLong.empty();
                }
                try {
                    return OptionalLong.of(Math.multiplyExact(Long.parseLong(f[0]), 1024L));
                } catch (NumberFormatException | ArithmeticException e) {
                    return OptionalLong.empty();
                }
            }
        }
        return OptionalLong.empty();
    }
}
