package io.vggstream.replicate;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.vggstream.trainer.augment.TrainScale;
import io.vggstream.trainer.model.Layer;
import io.vggstream.trainer.model.VggConfig;
import io.vggstream.trainer.model.VggSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The scale-down of one replication: what is trained (configs, training scales, seeds) and on how
 * much (width, epochs, images), and what it is evaluated on. A pure function of the flags, so a
 * rerun with the same flags makes the same plan; it is stored in {@code --out} and a rerun there
 * must agree with it.
 *
 * @param mode {@code quick}, or the budget it was fitted to ({@code 75m})
 * @param configs the configurations trained, in training order (A first: the deeper nets start from it)
 * @param crop training crop side (the paper's 224)
 * @param width conv width multiplier
 * @param fc width of FC1 and FC2 (the paper's 4096)
 * @param fixedScale the fixed S, in the paper's proportion to the crop (256 / 224)
 * @param jitterScale the jittered [Smin, Smax], in proportion ([256, 512] / 224)
 * @param epochs most epochs per training
 * @param batchSize images per step
 * @param trainImages training images (evenly spaced over Fashion-MNIST's 55,000)
 * @param valImages held-out images the learning-rate schedule watches
 * @param testImages test images the trainer scores its card on
 * @param evalImages test images every protocol is measured on (the first of the 10,000)
 * @param seeds the training seeds
 * @param warmStart deeper nets (B, C, D, E) copy their first four convs and FC layers from A of the same seed and scale
 * @param estimateMinutes the cost model's estimate of the whole run on a quiet 2-core machine
 */
public record ScaleDown(
        @JsonProperty("mode") String mode,
        @JsonProperty("configs") List<String> configs,
        @JsonProperty("crop") int crop,
        @JsonProperty("width") double width,
        @JsonProperty("fc") int fc,
        @JsonProperty("fixed_scale") String fixedScale,
        @JsonProperty("jitter_scale") String jitterScale,
        @JsonProperty("epochs") int epochs,
        @JsonProperty("batch_size") int batchSize,
        @JsonProperty("train_images") int trainImages,
        @JsonProperty("val_images") int valImages,
        @JsonProperty("test_images") int testImages,
        @JsonProperty("eval_images") int evalImages,
        @JsonProperty("seeds") List<Long> seeds,
        @JsonProperty("warm_start") boolean warmStart,
        @JsonProperty("estimate_minutes") double estimateMinutes) {

    /** Every configuration the paper compares, A first (the deeper nets start from it). */
    public static final List<String> ALL_CONFIGS = List.of("A", "A-LRN", "B", "C", "D", "E", "B-5x5");

    /** Configurations warm-started from A, as the paper's deeper nets (B-5x5's 5x5 convs do not fit A's 3x3). */
    public static final List<String> WARM_FROM_A = List.of("B", "C", "D", "E");

    /** The crop: Fashion-MNIST's 28x28 images rescaled to S = 37 (fixed) or 37..73 (jittered). */
    public static final int CROP = 32;

    public static final int FULL_TRAIN = 55_000;

    public static final int FULL_TEST = 10_000;

    /**
     * One rung of the ladder a budget climbs: each costs more than the one before, in the order a
     * replication gains most (first a second seed, so that noise can be told apart; then data and
     * epochs; then a third seed).
     */
    record Rung(double width, int fc, int epochs, int trainImages, int valImages, int evalImages, int seeds) {
    }

    static final List<Rung> LADDER = List.of(
            new Rung(0.25, 256, 2, 2_000, 500, 500, 1),
            new Rung(0.25, 256, 3, 4_000, 1_000, 1_000, 1),
            new Rung(0.25, 256, 3, 4_000, 1_000, 1_000, 2),
            new Rung(0.25, 256, 3, 8_000, 1_000, 1_000, 2),
            new Rung(0.25, 256, 4, 8_000, 1_000, 1_000, 3),
            new Rung(0.25, 256, 4, 16_000, 2_000, 2_000, 3),
            new Rung(0.25, 256, 5, 27_500, 2_000, 2_000, 3),
            new Rung(0.25, 256, 8, 55_000, 5_000, 5_000, 3));

    /** The default budget: the whole default run, measured, on a quiet 2-core machine. */
    public static final Duration DEFAULT_BUDGET = Duration.ofMinutes(75);

    /**
     * The largest rung whose estimate fits {@code budget}; {@code seeds} (when positive) fixes the
     * number of seeds. The smallest rung when none fits (its estimate is stated).
     */
    public static ScaleDown forBudget(Duration budget, int seeds, long firstSeed) {
        ScaleDown best = null;
        for (Rung r : LADDER) {
            Rung rung = seeds > 0 ? new Rung(r.width, r.fc, r.epochs, r.trainImages, r.valImages, r.evalImages, seeds) : r;
            ScaleDown p = of(budgetLabel(budget), ALL_CONFIGS, rung, firstSeed);
            // The ladder climbs in cost: keep the last rung that fits (the first when none does).
            if (best == null || p.estimateMinutes() <= budget.toSeconds() / 60.0) {
                best = p;
            }
        }
        return best;
    }

    /**
     * The quick matrix that checks the machinery in a few minutes: every config and both scales
     * (so every table and finding is filled), at 1/16 width, 1 epoch on 384 images, 1 seed,
     * protocols on 48 test images. Its numbers are noise.
     */
    public static ScaleDown quick(int seeds, long firstSeed) {
        return of("quick", ALL_CONFIGS, new Rung(0.0625, 32, 1, 384, 96, 48, seeds > 0 ? seeds : 1), firstSeed);
    }

    static ScaleDown of(String mode, List<String> configs, Rung r, long firstSeed) {
        List<Long> seeds = new ArrayList<>();
        for (int i = 0; i < r.seeds; i++) {
            seeds.add(firstSeed + i);
        }
        ScaleDown p = new ScaleDown(mode, configs, CROP, r.width, r.fc, TrainScale.parse("paper-256", CROP).toString(),
                TrainScale.parse("paper-jitter", CROP).toString(), r.epochs, 64, r.trainImages, r.valImages,
                Math.min(r.evalImages, 1_000), r.evalImages, seeds, true, 0);
        return p.withEstimate(CostModel.minutes(p));
    }

    ScaleDown withEstimate(double minutes) {
        return new ScaleDown(mode, configs, crop, width, fc, fixedScale, jitterScale, epochs, batchSize, trainImages, valImages,
                testImages, evalImages, seeds, warmStart, Math.round(minutes * 10) / 10.0);
    }

    /**
     * The plan for a run folder that already holds {@code stored}: when the flags chose only seeds
     * (no budget, quick or override), the folder's recipe with those seeds, since the budget would
     * choose a smaller recipe for more seeds and the folder would refuse it; otherwise {@code asked}.
     */
    public static ScaleDown forRunFolder(ScaleDown asked, ScaleDown stored, boolean onlySeedsGiven, Integer seeds, long firstSeed) {
        if (stored == null || stored.sameRecipe(asked) || !onlySeedsGiven) {
            return asked;
        }
        return stored.withSeeds(seeds != null ? seeds : stored.seeds().size(), firstSeed);
    }

    /** The same recipe with {@code count} seeds from {@code firstSeed}, its estimate recomputed. */
    ScaleDown withSeeds(int count, long firstSeed) {
        List<Long> s = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            s.add(firstSeed + i);
        }
        ScaleDown p = new ScaleDown(mode, configs, crop, width, fc, fixedScale, jitterScale, epochs, batchSize, trainImages, valImages,
                testImages, evalImages, s, warmStart, 0);
        return p.withEstimate(CostModel.minutes(p));
    }

    /** The plan with overrides ({@code --train-images}, {@code --eval-images}, {@code --epochs}, {@code --width}; null: kept). */
    public ScaleDown withImages(Integer train, Integer eval, Integer epochsOverride, Double widthOverride) {
        double w = widthOverride != null ? widthOverride : width;
        int f = widthOverride != null ? Math.max(8, (int) Math.round(1024 * widthOverride)) : fc;
        ScaleDown p = new ScaleDown(mode + " with overrides", configs, crop, w, f, fixedScale, jitterScale,
                epochsOverride != null ? epochsOverride : epochs, batchSize, train != null ? train : trainImages, valImages,
                testImages, eval != null ? eval : evalImages, seeds, warmStart, 0);
        return p.withEstimate(CostModel.minutes(p));
    }

    /**
     * True when the two plans train and evaluate the same nets the same way, whatever their seeds,
     * budget label and estimate: a run folder of one can take the other (more seeds add to it).
     */
    public boolean sameRecipe(ScaleDown other) {
        return stripped().equals(other.stripped());
    }

    private ScaleDown stripped() {
        return new ScaleDown("", configs, crop, width, fc, fixedScale, jitterScale, epochs, batchSize, trainImages, valImages,
                testImages, evalImages, List.of(), warmStart, 0);
    }

    /** {@code 75m}, {@code 2h}, {@code 90s}. */
    static String budgetLabel(Duration d) {
        long s = d.toSeconds();
        if (s % 3600 == 0) {
            return (s / 3600) + "h";
        }
        return s % 60 == 0 ? (s / 60) + "m" : s + "s";
    }

    /** Parses {@code --budget}: {@code 75m}, {@code 1h30m}, {@code 2h}, {@code 90s}, or ISO-8601. */
    public static Duration parseBudget(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("p")) {
            return Duration.parse(t.toUpperCase(Locale.ROOT));
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?").matcher(t);
        if (t.isEmpty() || !m.matches()) {
            throw new IllegalArgumentException("--budget must look like 75m, 1h30m, 2h or 90s, was '" + text + "'");
        }
        long s = 3600L * num(m.group(1)) + 60L * num(m.group(2)) + num(m.group(3));
        if (s <= 0) {
            throw new IllegalArgumentException("--budget must be positive, was '" + text + "'");
        }
        return Duration.ofSeconds(s);
    }

    private static long num(String g) {
        return g == null ? 0 : Long.parseLong(g);
    }

    @JsonIgnore
    public TrainScale scale(boolean jittered) {
        return TrainScale.parse(jittered ? jitterScale : fixedScale, crop);
    }

    /** The nets trained: each config at each scale, B-5x5 at the fixed one only (as the paper's). */
    @JsonIgnore
    public List<Net> nets() {
        List<Net> nets = new ArrayList<>();
        for (String c : configs) {
            nets.add(new Net(c, false));
        }
        for (String c : configs) {
            if (!c.equals("B-5x5")) {
                nets.add(new Net(c, true));
            }
        }
        return nets;
    }

    /** Per-protocol eval at this width and crop: the forward multiply-adds of one crop-sized image. */
    @JsonIgnore
    long macs(String config, int side) {
        return CostModel.macs(new VggSpec(VggConfig.of(config), width, fc, 10, crop), side);
    }

    /** One line for logs and the document. */
    public String describe() {
        return String.format(Locale.ROOT, "%s: configs %s at width %s (conv channels %d..%d), FC %d, crop %d, S %s fixed"
                        + " and %s jittered, at most %d epochs of %,d training images (batch %d), %,d held-out images for"
                        + " the schedule, protocols on %,d test images, seeds %s; estimated %.0f min on a quiet 2-core"
                        + " machine", mode, String.join(", ", configs), width,
                Math.max(1, Math.round(64 * width)), Math.max(1, Math.round(512 * width)), fc, crop, fixedScale,
                jitterScale, epochs, trainImages, batchSize, valImages, evalImages, seeds, estimateMinutes);
    }

    /**
     * One trained net: a configuration at the fixed or the jittered training scale.
     *
     * @param config A, A-LRN, B, C, D, E or B-5x5
     * @param jittered trained with S jittered in [Smin, Smax]
     */
    public record Net(String config, boolean jittered) {
        /** {@code D/jitter}: the name in CSVs and the document. */
        public String key() {
            return config + "/" + (jittered ? "jitter" : "fixed");
        }

        /** The run folder's name for a seed: {@code D-jitter-s2}. */
        public String folder(long seed) {
            return config + "-" + (jittered ? "jitter" : "fixed") + "-s" + seed;
        }

        public static Net parse(String key) {
            String[] p = key.split("/");
            return new Net(p[0], p[1].equals("jitter"));
        }
    }

    /**
     * What a run costs, in seconds, from the multiply-adds of each net at the crop and at each test
     * scale, over throughputs measured on the 2-core development machine (Xeon, 2.5 GHz) with
     * Fashion-MNIST at crop 32 (docs/replication-design.md has the measurements).
     */
    static final class CostModel {
        /**
         * Training (forward and backward, augmentation, step) in forward multiply-adds per second: the
         * small recipe's VGG-A at width 1/4 (10.0 M multiply-adds at crop 32) trained at 1,160 images/s
         * on the quiet machine (trainer/README.md).
         */
        static final double TRAIN_MACS_PER_S = 1.16e10;
        /** Dense evaluation in the trainer (validation, the card's score): forward only, about 3x training. */
        static final double EVAL_MACS_PER_S = 3.0e10;
        /**
         * ONNX Runtime through the engine, per multiply-add of a variant, and the engine's own cost per
         * variant (PNG decode, rescale, crop, actors, batching): 150 crops of each of 500 test images
         * took 15.3 s for VGG-E and 10.7 s for VGG-B at width 1/8 on the quiet machine (about 6.3 M and
         * 3.7 M multiply-adds a crop).
         */
        static final double ENGINE_MACS_PER_S = 3.5e10;
        static final double ENGINE_S_PER_VARIANT = 4e-5;
        /** Per training: JVM-side setup, statistics, ONNX export. */
        static final double TRAIN_SETUP_S = 6;
        /** Per evaluation: engine start, ONNX Runtime session and warm-up. */
        static final double EVAL_SETUP_S = 2;

        private CostModel() {
        }

        /** Forward multiply-adds of {@code spec} on a {@code side x side} image (dense: FC layers as convs). */
        static long macs(VggSpec spec, int side) {
            long total = 0;
            int s = side;
            for (Layer l : spec.layers()) {
                if (l instanceof Layer.Conv) {
                    Layer.Conv c = (Layer.Conv) l;
                    total += (long) c.in() * c.out() * c.kernel() * c.kernel() * s * s;
                } else if (l instanceof Layer.MaxPool) {
                    s = s / 2;
                } else if (l instanceof Layer.Fc) {
                    Layer.Fc f = (Layer.Fc) l;
                    int out = Math.max(1, s - f.kernel() + 1);
                    total += f.in() * f.out() * (long) out * out;
                    s = out;
                }
            }
            return total;
        }

        static double minutes(ScaleDown p) {
            double seconds = 0;
            TrainScale fixed = p.scale(false);
            TrainScale jitter = p.scale(true);
            for (Net net : p.nets()) {
                TrainScale scale = net.jittered() ? jitter : fixed;
                long crop = p.macs(net.config(), p.crop());
                long q = p.macs(net.config(), scale.testScale());
                double train = TRAIN_SETUP_S + p.epochs() * (p.trainImages() * (double) crop / TRAIN_MACS_PER_S
                        + p.valImages() * (double) q / EVAL_MACS_PER_S) + p.testImages() * (double) q / EVAL_MACS_PER_S;
                List<Integer> qs = net.jittered() ? List.of(scale.min(), scale.testScale(), scale.max())
                        : List.of(Math.max(p.crop(), scale.min() - 5), scale.min(), scale.min() + 5);
                double single = variantSeconds(p, net, List.of(scale.testScale()), false);
                double multi = variantSeconds(p, net, qs, false);
                double eval = 2 * EVAL_SETUP_S + p.evalImages() * (single + multi);
                if (net.jittered()) {
                    // single scale at Smin and at Smax as well
                    eval += 2 * EVAL_SETUP_S + p.evalImages() * (variantSeconds(p, net, List.of(scale.min()), false)
                            + variantSeconds(p, net, List.of(scale.max()), false));
                }
                if (net.jittered() && (net.config().equals("D") || net.config().equals("E"))) {
                    // crops for Tables 5 and 6 (dense+crops reuses the dense and crops posteriors), and as much
                    // again for the two best nets when they are others
                    eval += 2 * (EVAL_SETUP_S + p.evalImages() * variantSeconds(p, net, qs, true));
                }
                seconds += p.seeds().size() * (train + eval);
            }
            return seconds / 60;
        }

        /** Seconds per image of one protocol: 2 flips per scale, dense and/or 25 crops. */
        private static double variantSeconds(ScaleDown p, Net net, List<Integer> qs, boolean crops) {
            double s = 0;
            for (int q : qs) {
                if (crops) {
                    s += 2 * 25 * (p.macs(net.config(), p.crop()) / ENGINE_MACS_PER_S + ENGINE_S_PER_VARIANT);
                } else {
                    s += 2 * (p.macs(net.config(), q) / ENGINE_MACS_PER_S + ENGINE_S_PER_VARIANT);
                }
            }
            return s;
        }
    }
}
