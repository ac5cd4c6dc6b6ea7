package io.vggstream.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MachineInfoTest {

    @Test
    void shouldTakeTheFirstModelNameOfCpuinfo() {
        List<String> cpuinfo = List.of("processor\t: 0", "vendor_id\t: GenuineIntel",
            "model name\t: Intel(R) Xeon(R) Processor @ 2.50GHz", "processor\t: 1", "model name\t: Intel(R) Xeon(R) Processor @ 2.50GHz");
        assertThat(MachineInfo.cpuModel(cpuinfo)).isEqualTo("Intel(R) Xeon(R) Processor @ 2.50GHz");
    }

    @Test
    void shouldSayUnknownWhenCpuinfoHasNoModelName() {
        // arm64 kernels write no "model name" line.
        assertThat(MachineInfo.cpuModel(List.of("processor\t: 0", "BogoMIPS\t: 50.00"))).isEqualTo(MachineInfo.UNKNOWN_CPU);
    }

    @Test
    void shouldReadTheThreeLoadAveragesOfALoadavgLine() {
        assertThat(MachineInfo.loadAverage("4.91 5.92 6.53 3/812 401223\n")).containsExactly(4.91, 5.92, 6.53);
        assertThat(MachineInfo.loadAverage("garbage")).containsOnly(Double.NaN);
    }

    @Test
    void shouldReadThisMachine() throws Exception {
        if (Files.isReadable(Path.of("/proc/loadavg"))) {
            assertThat(java.util.Arrays.stream(MachineInfo.loadAverage()).min().orElseThrow()).isGreaterThanOrEqualTo(0);
        }
        assertThat(MachineInfo.cpuModel()).isNotBlank();
    }
}
