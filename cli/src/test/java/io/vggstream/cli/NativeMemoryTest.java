package io.vggstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NativeMemoryTest {

    private final String before = System.getProperty(NativeMemory.MAX_PHYSICAL_BYTES);

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty(NativeMemory.MAX_PHYSICAL_BYTES);
        } else {
            System.setProperty(NativeMemory.MAX_PHYSICAL_BYTES, before);
        }
    }

    @Test
    void shouldTurnJavaCppsResidentSizeCheckOffWhenNobodySetIt() {
        System.clearProperty(NativeMemory.MAX_PHYSICAL_BYTES);

        NativeMemory.skipResidentSizeCheck();

        assertThat(System.getProperty(NativeMemory.MAX_PHYSICAL_BYTES)).isEqualTo("0");
    }

    @Test
    void shouldKeepTheValueAUserSet() {
        System.setProperty(NativeMemory.MAX_PHYSICAL_BYTES, "4g");

        NativeMemory.skipResidentSizeCheck();

        assertThat(System.getProperty(NativeMemory.MAX_PHYSICAL_BYTES)).isEqualTo("4g");
    }
}
