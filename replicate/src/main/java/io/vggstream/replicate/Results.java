package io.vggstream.replicate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every number a replication measured: one top-1 and top-5 error per net (or fused pair of nets),
 * protocol and seed. Kept as {@code results.csv} in the run folder; the document is rendered from
 * these alone.
 */
public final class Results {

    /** Protocols, as the engine names them. */
    public static final String SINGLE = "single";
    public static final String MULTI = "multi-scale";
    public static final String CROPS = "crops";
    public static final String BOTH = "dense+crops";

    /** The label of the single-scale protocol at test scale {@code q} ({@code single@37}: no comma, for the CSV). */
    public static String singleAt(int q) {
        return "single@" + q;
    }

    /** The engine's name of a protocol label: {@code single@37} is {@code single,scales=37}, the others as they are. */
    public static String engineProtocol(String label) {
        return label.startsWith("single@") ? "single,scales=" + label.substring("single@".length()) : label;
    }

    /**
     * One measurement.
     *
     * @param net a net's key ({@code D/jitter}) or a fusion of two ({@code D/jitter + E/jitter})
     * @param protocol single, multi-scale, crops, dense+crops, or single at a given scale ({@link #singleAt})
     * @param seed the training seed (a fusion fuses nets of the same seed)
     * @param images test images measured on
     * @param top1 top-1 error, %
     * @param top5 top-5 error, %
     */
    public record Measure(String net, String protocol, long seed, int images, double top1, double top5) {
    }

    private final List<Measure> measures = new ArrayList<>();

    public Results add(Measure m) {
        measures.removeIf(x -> x.net().equals(m.net()) && x.protocol().equals(m.protocol()) && x.seed() == m.seed());
        measures.add(m);
        return this;
    }

    public List<Measure> all() {
        List<Measure> sorted = new ArrayList<>(measures);
        sorted.sort(Comparator.comparing(Measure::net).thenComparing(Measure::protocol).thenComparingLong(Measure::seed));
        return sorted;
    }

    /** Top-1 (or top-5) error by seed, for a net and protocol; empty when not measured. */
    public Map<Long, Double> errors(String net, String protocol, boolean top5) {
        Map<Long, Double> m = new TreeMap<>();
        for (Measure x : measures) {
            if (x.net().equals(net) && x.protocol().equals(protocol)) {
                m.put(x.seed(), top5 ? x.top5() : x.top1());
            }
        }
        return m;
    }

    /** Mean top-1 error over seeds, or NaN when not measured. */
    public double meanTop1(String net, String protocol) {
        return errors(net, protocol, false).values().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** The seeds measured, in order. */
    public List<Long> seeds() {
        return measures.stream().map(Measure::seed).distinct().sorted().toList();
    }

    /** Test images the measurements used (the largest count seen; 0 when none). */
    public int images() {
        return measures.stream().mapToInt(Measure::images).max().orElse(0);
    }

    public static final String HEADER = "net,protocol,seed,images,top1_error,top5_error";

    public String csv() {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (Measure m : all()) {
            sb.append(String.format(Locale.ROOT, "%s,%s,%d,%d,%.4f,%.4f%n", m.net(), m.protocol(), m.seed(), m.images(),
                    m.top1(), m.top5()));
        }
        return sb.toString();
    }

    public void write(Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, csv());
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    public static Results parse(String csv) {
        Results r = new Results();
        for (String line : csv.split("\n")) {
            if (line.isBlank() || line.startsWith("net,")) {
                continue;
            }
            String[] f = line.split(",");
            r.add(new Measure(f[0], f[1], Long.parseLong(f[2]), Integer.parseInt(f[3]), Double.parseDouble(f[4]),
                    Double.parseDouble(f[5])));
        }
        return r;
    }
}
