package io.vggstream.replicate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The paper's eight findings, each judged on a replication's numbers.
 *
 * <p>The rule, for one comparison "X has a lower top-1 error than Y": take the difference
 * {@code d = err(Y) - err(X)} seed by seed (a fusion and its members share the seed; two configs
 * are paired by seed), its mean over seeds, and its spread: the standard deviation of the per-seed
 * differences when there are two seeds or more, but never less than the sampling error of the
 * difference on the test images measured ({@code sqrt(p1 (1 - p1) / n + p2 (1 - p2) / n)}; two
 * seeds can agree by chance on a one-image difference); with one seed, that sampling error. Then
 * <ul>
 *   <li>{@code d > spread}: reproduced;</li>
 *   <li>{@code d < -spread}: not reproduced (the opposite held beyond the noise);</li>
 *   <li>otherwise: within noise.</li>
 * </ul>
 * A "no better" claim (finding 1) holds unless X is better beyond the spread. A finding made of
 * several comparisons is reproduced when every one is, not reproduced when any one went the other
 * way beyond the spread, and within noise otherwise.
 */
public final class Findings {

    private Findings() {
    }

    /** How a finding or a comparison came out. */
    public enum Verdict {
        REPRODUCED("reproduced"),
        WITHIN_NOISE("within noise"),
        NOT_REPRODUCED("not reproduced"),
        NOT_MEASURED("not measured");

        private final String text;

        Verdict(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    /**
     * One comparison of two measurements.
     *
     * @param better what the paper found better (lower error): a net key and protocol, or a fusion
     * @param worse what it found worse
     * @param betterErr top-1 error of {@code better}, mean over seeds (%)
     * @param worseErr top-1 error of {@code worse}, mean over seeds (%)
     * @param difference mean of the per-seed {@code worse - better} (%, positive = as the paper)
     * @param spread the larger of the standard deviation of the per-seed differences and the sampling error (%)
     * @param seeds seeds both were measured with
     * @param spreadFromSeeds true when the spread is the seeds' (false: the sampling error, the larger or the only one)
     * @param verdict the rule's answer
     */
    public record Comparison(String better, String worse, double betterErr, double worseErr, double difference,
                             double spread, int seeds, boolean spreadFromSeeds, Verdict verdict) {

        /** The evidence in one phrase. */
        public String evidence() {
            if (verdict == Verdict.NOT_MEASURED) {
                return better + " against " + worse + ": not measured";
            }
            return String.format(Locale.ROOT, "%s %.2f vs %s %.2f: %s by %.2f, spread %.2f (%s)", better, betterErr, worse,
                    worseErr, difference >= 0 ? "better" : "worse", Math.abs(difference), spread,
                    spreadFromSeeds ? "sd over " + seeds + " seeds" : seeds == 1 ? "sampling error, 1 seed"
                            : "sampling error, above the sd over " + seeds + " seeds");
        }
    }

    /**
     * One of the paper's findings with its comparisons.
     *
     * @param number 1 to 8, as listed in the paper notes
     * @param claim the finding as the paper states it
     * @param comparisons the comparisons it rests on here
     * @param verdict all comparisons together
     */
    public record Finding(int number, String claim, List<Comparison> comparisons, Verdict verdict) {
    }

    /**
     * Judges "{@code better} has a lower error than {@code worse}".
     *
     * @param betterBySeed top-1 error (%) by seed
     * @param worseBySeed top-1 error (%) by seed
     * @param images test images each error was measured on (for the sampling error with one seed)
     * @param noBetter judge the claim "worse is no better than better" instead (finding 1)
     */
    public static Comparison compare(String better, Map<Long, Double> betterBySeed, String worse,
                                     Map<Long, Double> worseBySeed, int images, boolean noBetter) {
        List<Double> diffs = new ArrayList<>();
        double sb = 0;
        double sw = 0;
        for (Map.Entry<Long, Double> e : betterBySeed.entrySet()) {
            Double w = worseBySeed.get(e.getKey());
            if (w != null) {
                diffs.add(w - e.getValue());
                sb += e.getValue();
                sw += w;
            }
        }
        int n = diffs.size();
        if (n == 0) {
            return new Comparison(better, worse, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, false, Verdict.NOT_MEASURED);
        }
        double mb = sb / n;
        double mw = sw / n;
        double d = diffs.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double sampling = samplingError(mb, mw, images);
        double spread = sampling;
        boolean fromSeeds = false;
        if (n >= 2) {
            double ss = diffs.stream().mapToDouble(x -> (x - d) * (x - d)).sum();
            double sd = Math.sqrt(ss / (n - 1));
            if (!(sd < sampling)) {
                spread = sd;
                fromSeeds = true;
            }
        }
        return new Comparison(better, worse, mb, mw, d, spread, n, fromSeeds, verdict(d, spread, noBetter));
    }

    /** The rule: beyond the spread one way or the other, or within it. */
    static Verdict verdict(double difference, double spread, boolean noBetter) {
        if (noBetter) {
            return difference >= -spread ? Verdict.REPRODUCED : Verdict.NOT_REPRODUCED;
        }
        if (difference > spread) {
            return Verdict.REPRODUCED;
        }
        return difference < -spread ? Verdict.NOT_REPRODUCED : Verdict.WITHIN_NOISE;
    }

    /** Standard error (%) of the difference of two error rates (%) measured on {@code images} images each. */
    static double samplingError(double errA, double errB, int images) {
        if (images <= 0) {
            return Double.NaN;
        }
        double a = errA / 100;
        double b = errB / 100;
        return 100 * Math.sqrt((a * (1 - a) + b * (1 - b)) / images);
    }

    /** All comparisons together: every one reproduced, any one reversed, or within noise. */
    static Verdict combine(List<Comparison> comparisons) {
        List<Comparison> measured = comparisons.stream().filter(c -> c.verdict() != Verdict.NOT_MEASURED).toList();
        if (measured.isEmpty()) {
            return Verdict.NOT_MEASURED;
        }
        if (measured.stream().anyMatch(c -> c.verdict() == Verdict.NOT_REPRODUCED)) {
            return Verdict.NOT_REPRODUCED;
        }
        return measured.stream().allMatch(c -> c.verdict() == Verdict.REPRODUCED) && measured.size() == comparisons.size()
                ? Verdict.REPRODUCED : Verdict.WITHIN_NOISE;
    }

    /**
     * The eight findings on {@code r}. {@code fusion} is the fused pair's key in {@code r}
     * ({@code D/jitter + E/jitter}) or null when no fusion was measured.
     */
    public static List<Finding> judge(Results r, String fusion) {
        int n = r.images();
        List<Finding> out = new ArrayList<>();
        out.add(finding(1, "LRN does not help: A-LRN is no better than A.",
                List.of(noBetter(r, n, "A/fixed", Results.SINGLE, "A-LRN/fixed", Results.SINGLE))));
        out.add(finding(2, "Error falls with depth: A > B > D, E.", List.of(
                cmp(r, n, "B/fixed", Results.SINGLE, "A/fixed", Results.SINGLE),
                cmp(r, n, "D/fixed", Results.SINGLE, "B/fixed", Results.SINGLE),
                cmp(r, n, "E/fixed", Results.SINGLE, "B/fixed", Results.SINGLE))));
        out.add(finding(3, "C (1x1 convs) beats B but loses to D (3x3 everywhere): spatial context matters.", List.of(
                cmp(r, n, "C/fixed", Results.SINGLE, "B/fixed", Results.SINGLE),
                cmp(r, n, "D/fixed", Results.SINGLE, "C/fixed", Results.SINGLE))));
        List<Comparison> jitter = new ArrayList<>();
        for (String c : List.of("C", "D", "E")) {
            jitter.add(cmp(r, n, c + "/jitter", Results.SINGLE, c + "/fixed", Results.SINGLE));
        }
        out.add(finding(4, "Scale jittering at training beats a fixed S, even at a single test scale.", jitter));
        List<Comparison> multi = new ArrayList<>();
        for (String net : List.of("B/fixed", "C/fixed", "C/jitter", "D/fixed", "D/jitter", "E/fixed", "E/jitter")) {
            multi.add(cmp(r, n, net, Results.MULTI, net, Results.SINGLE));
        }
        out.add(finding(5, "Multi-scale testing beats single-scale testing.", multi));
        List<Comparison> both = new ArrayList<>();
        for (String net : List.of("D/jitter", "E/jitter")) {
            both.add(cmp(r, n, net, Results.BOTH, net, Results.MULTI));
            both.add(cmp(r, n, net, Results.BOTH, net, Results.CROPS));
        }
        out.add(finding(6, "Multi-crop and dense are complementary: their average beats either.", both));
        List<Comparison> fused = new ArrayList<>();
        if (fusion != null) {
            String[] members = fusion.split(" \\+ ");
            for (String protocol : List.of(Results.MULTI, Results.CROPS, Results.BOTH)) {
                // against the better member under the same protocol
                String best = r.meanTop1(members[0], protocol) <= r.meanTop1(members[1], protocol) ? members[0] : members[1];
                fused.add(cmp(r, n, fusion, protocol, best, protocol));
            }
        } else {
            fused.add(new Comparison("a fusion of two nets", "either net", Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0,
                    false, Verdict.NOT_MEASURED));
        }
        out.add(finding(7, "Averaging two models' posteriors beats either model.", fused));
        out.add(finding(8, "A net with 5x5 convs in place of pairs of 3x3 (B's shallow twin) is worse (by 7% top-1 in the"
                + " paper).", List.of(cmp(r, n, "B/fixed", Results.SINGLE, "B-5x5/fixed", Results.SINGLE))));
        return out;
    }

    private static Finding finding(int number, String claim, List<Comparison> comparisons) {
        return new Finding(number, claim, comparisons, combine(comparisons));
    }

    static Comparison cmp(Results r, int images, String better, String betterProtocol, String worse, String worseProtocol) {
        return compare(label(better, betterProtocol), r.errors(better, betterProtocol, false), label(worse, worseProtocol),
                r.errors(worse, worseProtocol, false), images, false);
    }

    private static Comparison noBetter(Results r, int images, String ref, String refProtocol, String other, String otherProtocol) {
        // "other is no better than ref": d = err(other) - err(ref), with other in the 'worse' place
        return compare(label(ref, refProtocol), r.errors(ref, refProtocol, false), label(other, otherProtocol),
                r.errors(other, otherProtocol, false), images, true);
    }

    static String label(String net, String protocol) {
        return net + " " + protocol;
    }
}
