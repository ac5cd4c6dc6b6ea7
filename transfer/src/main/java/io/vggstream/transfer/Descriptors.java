package io.vggstream.transfer;

import ai.onnxruntime.OrtException;
import io.vggstream.engine.infer.Device;
import io.vggstream.engine.infer.OrtModel;
import io.vggstream.engine.model.Model;
import io.vggstream.engine.preprocess.ImageLimits;
import io.vggstream.engine.preprocess.Plan;
import io.vggstream.engine.preprocess.Preprocessing;
import io.vggstream.engine.preprocess.Variant;
import io.vggstream.engine.protocol.Protocol;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * The descriptors a head is fitted on, from the base graph's feature output (FC2 after ReLU, averaged
 * over space by the dense evaluation) of every variant (scale, flip) of the protocol: either one row
 * per variant, each L2-normalised ({@link Kind#PER_VARIANT}: what the served graph sees, one variant
 * at a time), or the paper's one row per image, the variants' mean L2-normalised
 * ({@link Kind#AVERAGED}). Made with the engine's own preprocessing ({@link Preprocessing#variants},
 * the card's normalisation) and an ONNX Runtime session on the base graph.
 */
public final class Descriptors implements AutoCloseable {

    /** The smallest norm divided by; the served graph uses the same ({@code max(||f||, eps)}). */
    public static final float EPSILON = 1e-12f;

    private final OrtModel session;
    private final Plan plan;
    private final ImageLimits limits;

    /** How an image's variants become training rows. */
    public enum Kind {
        /**
         * One row per variant, each normalised: the engine serves the head per variant and averages the
         * posteriors, so a head fitted on these rows is served on the kind of input it was fitted on.
         */
        PER_VARIANT("per-variant"),
        /** One row per image, the variants' mean normalised: the paper's descriptor; served by fusing the variants' features. */
        AVERAGED("averaged");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        /** {@code per-variant} or {@code averaged}; anything else is refused naming the flag. */
        public static Kind parse(String s) {
            for (Kind k : values()) {
                if (k.label.equalsIgnoreCase(s)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("--descriptor must be per-variant or averaged, was '" + s + "'");
        }
    }

    /**
     * The descriptors of some images: {@code x[i]} holds image i's rows (one for {@link Kind#AVERAGED},
     * one per variant for {@link Kind#PER_VARIANT}), null where image i could not be read or decoded.
     */
    public record Extracted(float[][][] x, int skipped, List<String> reasons) {}

    /**
     * @throws IllegalArgumentException when the protocol has crops (the descriptor is the dense evaluation's) or does not fit the model
     */
    public Descriptors(Model model, Protocol protocol, ImageLimits limits, int threads) {
        if (protocol.crops()) {
            throw new IllegalArgumentException("--protocol " + protocol + ": the descriptor is made by dense evaluation (scales and flips);"
                + " a protocol with crops is not one (use single or multi-scale)");
        }
        this.plan = Plan.of(0, model, protocol);
        this.limits = limits;
        this.session = OrtModel.open(model, Device.parse("cpu"), threads);
    }

    /** The scales the descriptor averages over. */
    public List<Integer> scales() {
        return plan.scales();
    }

    /** Variants per image (scales times flips). */
    public int variants() {
        return plan.variantsPerFrame();
    }

    /**
     * Descriptors of {@code files}; an image that cannot be read or that the engine's preprocessing
     * refuses is skipped and counted, its reason kept.
     */
    public Extracted extract(List<HeadData.Item> items, Kind kind, IntConsumer progress) throws OrtException {
        float[][][] x = new float[items.size()][][];
        int skipped = 0;
        List<String> reasons = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(items.get(i).file());
            } catch (IOException e) {
                skipped++;
                reasons.add(items.get(i).file() + ": cannot read: " + e.getMessage());
                continue;
            }
            Preprocessing.Result r = Preprocessing.variants(bytes, List.of(plan), limits);
            if (r instanceof Preprocessing.Result.Bad bad) {
                skipped++;
                reasons.add(items.get(i).file() + ": " + bad.reason());
                continue;
            }
            List<float[]> features = features(((Preprocessing.Result.Ok) r).variants());
            x[i] = kind == Kind.AVERAGED ? new float[][] {average(features)} : perVariant(features);
            progress.accept(i);
        }
        return new Extracted(x, skipped, reasons);
    }

    /** The base graph's feature output of every variant. */
    private List<float[]> features(List<Variant> variants) throws OrtException {
        // Variants of one size (an image and its flip) go in one batch.
        Map<String, List<Variant>> bySize = new LinkedHashMap<>();
        for (Variant v : variants) {
            bySize.computeIfAbsent(v.h() + "x" + v.w(), k -> new ArrayList<>()).add(v);
        }
        List<float[]> features = new ArrayList<>(variants.size());
        for (List<Variant> group : bySize.values()) {
            OrtModel.Outputs out = session.run(group.stream().map(Variant::chw).toList(), group.get(0).h(), group.get(0).w(), true);
            if (out.features() == null) {
                throw new IllegalStateException(session.model().onnx() + " gives no feature output '"
                    + session.model().card().io().feature() + "' (the card's io.feature)");
            }
            features.addAll(List.of(out.features()));
        }
        return features;
    }

    /** The mean of the variants' features, L2-normalised: the paper's descriptor. */
    static float[] average(List<float[]> features) {
        double[] sum = new double[features.get(0).length];
        for (float[] f : features) {
            for (int j = 0; j < f.length; j++) {
                sum[j] += f[j];
            }
        }
        return normalise(sum, features.size());
    }

    /** Each variant's feature L2-normalised on its own, as the served graph normalises it. */
    static float[][] perVariant(List<float[]> features) {
        float[][] rows = new float[features.size()][];
        for (int v = 0; v < rows.length; v++) {
            double[] f = new double[features.get(v).length];
            for (int j = 0; j < f.length; j++) {
                f[j] = features.get(v)[j];
            }
            rows[v] = normalise(f, 1);
        }
        return rows;
    }

    /** {@code sum / n}, divided by {@code max(||mean||_2, EPSILON)}. */
    static float[] normalise(double[] sum, int n) {
        // The engine's own code for a feature head's mean: the rows fitted on are what the served model computes.
        return io.vggstream.engine.fusion.FeatureHead.normalise(sum, n, EPSILON);
    }

    @Override
    public void close() {
        session.close();
    }
}
