package io.vggstream.benchmarks.bench;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Which input offsets have been answered, and how: one bit per (partition, offset) of the frames
 * topic, set by the predictions and the dead letters read back downstream (both carry their frame's
 * source partition and offset). At the end, every offset below the partition's end offset must be
 * set: each frame offered was answered at least once. A second answer for an offset is a duplicate
 * (at-least-once redelivery), counted, not an error. Thread-safe: the prediction reader and the
 * dead-letter reader write it from their own threads.
 */
final class AnswerLedger {

    /** How a frame was answered. */
    enum Kind {
        PREDICTED, DROPPED, DEAD_LETTER
    }

    private final List<BitSet> answered = new ArrayList<>();
    private final long[] counts = new long[Kind.values().length];
    private long duplicates;
    private long unknown;

    AnswerLedger(int partitions) {
        for (int p = 0; p < partitions; p++) {
            answered.add(new BitSet());
        }
    }

    /** Enters one answer; true when it is the offset's first. */
    synchronized boolean answer(int partition, long offset, Kind kind) {
        if (partition < 0 || partition >= answered.size() || offset < 0 || offset > Integer.MAX_VALUE) {
            unknown++;
            return false;
        }
        BitSet b = answered.get(partition);
        if (b.get((int) offset)) {
            duplicates++;
            return false;
        }
        b.set((int) offset);
        counts[kind.ordinal()]++;
        return true;
    }

    /** Distinct offsets answered this way. */
    synchronized long count(Kind kind) {
        return counts[kind.ordinal()];
    }

    /** Distinct offsets answered in any way. */
    synchronized long answered() {
        long n = 0;
        for (long c : counts) {
            n += c;
        }
        return n;
    }

    synchronized long duplicates() {
        return duplicates;
    }

    /**
     * Checks every offset below {@code endOffsets[p]} of each partition.
     *
     * @return offsets never answered, offsets answered beyond the end (none expected), and the first few missing ones
     */
    synchronized Check check(long[] endOffsets) {
        long missing = 0;
        long beyond = unknown;
        List<String> firstMissing = new ArrayList<>();
        for (int p = 0; p < answered.size(); p++) {
            BitSet b = answered.get(p);
            long end = p < endOffsets.length ? endOffsets[p] : 0;
            for (int o = b.nextClearBit(0); o >= 0 && o < end; o = b.nextClearBit(o + 1)) {
                missing++;
                if (firstMissing.size() < 10) {
                    firstMissing.add(p + "/" + o);
                }
            }
            int last = b.length() - 1;
            if (last >= end) {
                beyond += b.get((int) end, last + 1).cardinality();
            }
        }
        long offered = 0;
        for (long e : endOffsets) {
            offered += e;
        }
        return new Check(offered, answered(), missing, beyond, duplicates, firstMissing);
    }

    /**
     * @param offered frames in the topic (the sum of the end offsets)
     * @param answered distinct offsets answered
     * @param missing offsets never answered
     * @param beyond answers for offsets past the end (or of unknown partitions): none expected
     * @param duplicates answers beyond the first for an offset
     * @param firstMissing up to ten missing offsets, {@code partition/offset}
     */
    record Check(long offered, long answered, long missing, long beyond, long duplicates, List<String> firstMissing) {
        boolean complete() {
            return missing == 0 && beyond == 0;
        }
    }
}
