package io.vggstream.trainer.model;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The paper's Table 1, one row per configuration, keyed by its letter. Each row lists the conv
 * kernels of the five stages (each stage ends in a 2x2 max-pool); the stage widths are
 * {@link #STAGE_CHANNELS} before the width multiplier. {@link #B_5X5} is the paper's extra
 * experiment beside the table.
 */
public enum VggConfig {
    A("A", false, new int[][] {{3}, {3}, {3, 3}, {3, 3}, {3, 3}}),
    A_LRN("A-LRN", true, new int[][] {{3}, {3}, {3, 3}, {3, 3}, {3, 3}}),
    B("B", false, new int[][] {{3, 3}, {3, 3}, {3, 3}, {3, 3}, {3, 3}}),
    C("C", false, new int[][] {{3, 3}, {3, 3}, {3, 3, 1}, {3, 3, 1}, {3, 3, 1}}),
    D("D", false, new int[][] {{3, 3}, {3, 3}, {3, 3, 3}, {3, 3, 3}, {3, 3, 3}}),
    E("E", false, new int[][] {{3, 3}, {3, 3}, {3, 3, 3, 3}, {3, 3, 3, 3}, {3, 3, 3, 3}}),
    /**
     * Not in Table 1: the paper's shallow twin of B (Sect. 4.1), each pair of 3x3 convs replaced by
     * one 5x5 conv with the same receptive field. The paper measured it 7% worse in top-1 than B.
     */
    B_5X5("B-5x5", false, new int[][] {{5}, {5}, {5}, {5}, {5}});

    /** Output channels of the five stages at full width (multiplier 1). */
    public static final List<Integer> STAGE_CHANNELS = List.of(64, 128, 256, 512, 512);

    private final String label;
    private final boolean lrn;
    private final int[][] kernels;

    VggConfig(String label, boolean lrn, int[][] kernels) {
        this.label = label;
        this.lrn = lrn;
        this.kernels = kernels;
    }

    /** The paper's name: A, A-LRN, B, C, D or E; B-5x5 for B's shallow twin. */
    public String label() {
        return label;
    }

    /** True for A-LRN: Local Response Normalisation after the first conv. */
    public boolean lrn() {
        return lrn;
    }

    /** Kernel sizes (3, 1, or 5 for B-5x5) of the convs in stage {@code stage} (0-based). */
    public int[] kernels(int stage) {
        return kernels[stage].clone();
    }

    /** Number of weight layers (convs plus the three FC layers), as the paper's table header. */
    public int weightLayers() {
        return Arrays.stream(kernels).mapToInt(k -> k.length).sum() + 3;
    }

    /**
     * The configuration named {@code name} (case-insensitive, "A-LRN" or "A_LRN", "B-5x5" or "B_5X5").
     *
     * @throws IllegalArgumentException naming the known configurations
     */
    public static VggConfig of(String name) {
        if (name != null) {
            String wanted = name.trim().toUpperCase(Locale.ROOT).replace('_', '-');
            for (VggConfig c : values()) {
                if (c.label.toUpperCase(Locale.ROOT).equals(wanted)) {
                    return c;
                }
            }
        }
        throw new IllegalArgumentException("unknown config '" + name + "': expected one of "
                + Arrays.stream(values()).map(VggConfig::label).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return label;
    }
}
