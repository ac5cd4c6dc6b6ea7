package io.vggstream.cli;

/**
 * JavaCPP's check of the process's resident size, off unless asked for. Set before anything loads
 * JavaCPP, which reads its settings once.
 */
final class NativeMemory {

    /** JavaCPP's setting: run the GC when the resident size passes this many bytes (0: never check). */
    static final String MAX_PHYSICAL_BYTES = "org.bytedeco.javacpp.maxPhysicalBytes";

    private NativeMemory() {
    }

    /**
     * With the check on (JavaCPP's default), every native allocation (each OpenCV Mat a frame's decode and rescale
     * make) reads {@code /proc/self/statm}: a system call per Mat, about 2% of the enrichment workload's CPU samples.
     * The check lets the GC free what nobody closed; vggstream closes every Mat it makes. A value the user set stays.
     */
    static void skipResidentSizeCheck() {
        if (System.getProperty(MAX_PHYSICAL_BYTES) == null) {
            System.setProperty(MAX_PHYSICAL_BYTES, "0");
        }
    }
}
