package io.vggstream.video;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether a standard stream is a terminal, so progress bars and in-place redraws go only where a person looks. */
public final class Terminal {

    private Terminal() {
    }

    /** True when file descriptor 1 is a terminal. */
    public static boolean stdoutIsTerminal() {
        return isTerminal(1);
    }

    /** True when file descriptor 2 is a terminal. */
    public static boolean stderrIsTerminal() {
        return isTerminal(2);
    }

    /**
     * Whether {@code fd} of this process is a terminal. On Linux, {@code /proc/self/fd/N} links to
     * the device ({@code /dev/pts/3}, {@code /dev/tty1}); elsewhere we fall back on
     * {@link System#console()}, which is non-null only when stdin and stdout both are terminals.
     */
    static boolean isTerminal(int fd) {
        if (System.getenv("TERM") != null && "dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        Path link = Path.of("/proc/self/fd/" + fd);
        if (Files.isSymbolicLink(link)) {
            try {
                String target = Files.readSymbolicLink(link).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
            } catch (IOException | SecurityException e) {
                return false;
            }
        }
        return System.console() != null;
    }

    /** The terminal's width in columns: {@code $COLUMNS} when set and sane, else 100. */
    public static int columns() {
        String c = System.getenv("COLUMNS");
        if (c != null) {
            try {
                int n = Integer.parseInt(c.strip());
                if (n >= 40 && n <= 1000) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // fall through to the default
            }
        }
        return 100;
    }
}
