package io.vggstream.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcStatusTest {

    /** Lines as Linux 6.x writes them (a tab after the colon, the value right-aligned, kB). */
    private static final List<String> STATUS = List.of(
        "Name:\tjava",
        "VmPeak:\t 9871236 kB",
        "VmHWM:\t  412344 kB",
        "VmRSS:\t  398760 kB",
        "Threads:\t41");

    @Test
    void shouldReadTheResidentSetOfAStatusLineInBytes() {
        assertThat(ProcStatus.bytes(STATUS, ProcStatus.RESIDENT)).hasValue(398_760L * 1024);
        assertThat(ProcStatus.bytes(STATUS, ProcStatus.PEAK_RESIDENT)).hasValue(412_344L * 1024);
    }

    @Test
    void shouldBeEmptyWhenTheFieldIsMissingOrNotInKilobytes() {
        assertThat(ProcStatus.bytes(List.of("Name:\tjava"), ProcStatus.RESIDENT)).isEmpty();
        assertThat(ProcStatus.bytes(List.of("VmRSS:\t 12 MB"), ProcStatus.RESIDENT)).isEmpty();
        assertThat(ProcStatus.bytes(List.of("VmRSS:\t lots kB"), ProcStatus.RESIDENT)).isEmpty();
    }

    @Test
    void shouldBeEmptyForAFileThatDoesNotExist() {
        assertThat(ProcStatus.bytes(Path.of("/no/such/status"), ProcStatus.RESIDENT)).isEmpty();
    }

    @Test
    void shouldReadThisProcessResidentSetFromTheRealProcFile() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "Linux only");
        String line = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS:"))
            .findFirst().orElseThrow();
        assertThat(ProcStatus.bytes(List.of(line), ProcStatus.RESIDENT)).as(line).isPresent();
        // A JVM with a loaded test framework holds well over 10 MB and (here) under a terabyte.
        assertThat(ProcStatus.residentBytes().orElseThrow()).isBetween(10L << 20, 1L << 40);
        assertThat(ProcStatus.peakResidentBytes(ProcessHandle.current().pid())).isPresent();
    }
}
