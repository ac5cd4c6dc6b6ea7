package io.vggstream.transfer;

import de.bwaldvogel.liblinear.Linear;
import io.vggstream.engine.eval.Evaluation;
import io.vggstream.engine.model.Model;
import io.vggstream.onnx.DenseGraph;
import io.vggstream.onnx.HeadGraph;
import io.vggstream.topics.card.ModelCard;
import io.vggstream.topics.card.TopK;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code fit-head} job: descriptors of the folder's training images from a base model
 * ({@link Descriptors}: by default one row per variant, as the engine serves the head), a linear head
 * fitted on them ({@link LinearHead}), the base graph plus the head written as one new model
 * ({@link HeadGraph}), and that model measured on the held-out images through the engine
 * ({@link Evaluation#run}: its preprocessing, batching and fusion), the figure the card carries, beside
 * the fitted classifier scored the same way. docs/transfer.md says what is fitted and what is served.
 */
public final class FitHead {

    /** How many skipped images the result lists by name. */
    private static final int SKIPPED_LISTED = 10;

    private FitHead() {}

    /**
     * @param progress where the run says what it does
     * @throws IllegalArgumentException naming the flag, folder or class at fault
     */
    public static FitHeadResult run(FitHeadOptions o, PrintWriter progress) throws Exception {
        long start = System.nanoTime();
        Model base = Model.load(o.model());
        Path out = o.out().toAbsolutePath().normalize();
        if (out.equals(base.onnx().getParent())) {
            throw new IllegalArgumentException("--out " + o.out() + " is the base model's folder; the new model goes to a folder of its own");
        }
        HeadData data = HeadData.open(o.data(), o.holdout(), o.seed());
        int[] trainCounts = data.counts(data.train());
        int[] valCounts = data.counts(data.val());
        String imbalance = HeadData.imbalance(data.classes(), trainCounts);
        progress.printf("%s: %d classes, %d training images, %d to measure (%s); %s%n", o.data(), data.classes().size(),
            data.train().size(), data.val().size(), data.valSplit(), imbalance);
        progress.flush();

        Descriptors.Extracted train;
        Descriptors.Extracted val;
        List<Integer> scales;
        int variants;
        try (Descriptors d = new Descriptors(base, o.protocol(), o.base().imageLimits(), o.threads())) {
            scales = d.scales();
            variants = d.variants();
            progress.printf("descriptors from %s: %s, %d variants an image (scales %s), %s%n", base.name(), o.protocol(), variants, scales,
                o.descriptor() == Descriptors.Kind.PER_VARIANT ? "one row per variant" : "one averaged row per image");
            progress.flush();
            train = d.extract(data.train(), o.descriptor(), i -> { });
            val = d.extract(data.val(), o.descriptor(), i -> { });
        }
        List<String> skipped = new ArrayList<>(train.reasons());
        skipped.addAll(val.reasons());
        int skippedCount = train.skipped() + val.skipped();

        // Every row of an image carries the image's number, so that cross-validation keeps an image's variants in one fold.
        List<float[]> xs = new ArrayList<>();
        List<Integer> ys = new ArrayList<>();
        List<Integer> images = new ArrayList<>();
        int[] readable = new int[data.classes().size()];
        int fittedImages = 0;
        for (int i = 0; i < data.train().size(); i++) {
            if (train.x()[i] != null) {
                for (float[] row : train.x()[i]) {
                    xs.add(row);
                    ys.add(data.train().get(i).label());
                    images.add(fittedImages);
                }
                fittedImages++;
                readable[data.train().get(i).label()]++;
            }
        }
        for (int k = 0; k < readable.length; k++) {
            if (readable[k] == 0) {
                throw new IllegalArgumentException("--data " + o.data() + ": class '" + data.classes().get(k)
                    + "' has no readable training image (" + trainCounts[k] + " listed, none decoded)");
            }
        }
        LinearHead.Fitted head = LinearHead.fit(xs.toArray(float[][]::new), ys.stream().mapToInt(Integer::intValue).toArray(),
            images.stream().mapToInt(Integer::intValue).toArray(), data.classes().size(), o.classifier(), o.c(), o.folds(), o.seed());
        progress.printf(Locale.ROOT, "%s head: C %s%s%n", o.classifier().label(), head.c(),
            head.cvAccuracy() == null ? " (given)" : String.format(Locale.ROOT, " (%d-fold cross-validation accuracy %.4f)",
                head.folds(), head.cvAccuracy()));

        // The fitted figure is scored as the engine scores the served model: per row softmax, mean over the image's rows, TopK.
        List<HeadData.Item> measured = new ArrayList<>();
        List<Integer> fitted = new ArrayList<>();
        int right = 0;
        for (int i = 0; i < data.val().size(); i++) {
            if (val.x()[i] != null) {
                measured.add(data.val().get(i));
                double[] p = head.posterior(val.x()[i]);
                fitted.add(top1(p));
                if (TopK.contains(p, data.val().get(i).label(), 1)) {
                    right++;
                }
            }
        }
        if (measured.isEmpty()) {
            throw new IllegalArgumentException("--data " + o.data() + ": none of the " + data.val().size() + " images to measure on ("
                + data.valSplit() + ") could be decoded");
        }
        double fittedTop1 = (double) right / measured.size();

        String baseSha = DenseGraph.fileSha256(base.onnx());
        ModelCard.Head block = new ModelCard.Head(o.model().toString(), baseSha, base.card().weightsSha256(), o.classifier().label(),
            "de.bwaldvogel:liblinear " + liblinearVersion(), head.c(),
            head.cvAccuracy() == null ? "given (--c)" : head.folds() + "-fold cross-validation on the training descriptors, "
                + LinearHead.describeGrid() + ", seed " + o.seed(),
            head.cvAccuracy(), describe(o, base.card().io().feature(), scales, variants), fittedImages, skippedCount,
            o.descriptor() == Descriptors.Kind.AVERAGED ? ModelCard.Head.FUSION_FEATURES : ModelCard.Head.FUSION_POSTERIORS);
        HeadGraph.Head graphHead = new HeadGraph.Head(head.weight(), head.bias(), Descriptors.EPSILON);
        write(base, graphHead, data, o, block, null, out);

        // The card's figure is the served model's, measured through the engine on the images not fitted on.
        progress.printf("measuring the served model on %d images through the engine%n", measured.size());
        progress.flush();
        Evaluation.Run run = Evaluation.run(o.config(), o.base(), out, o.protocol(), samples(measured, data.root().toString()), i -> { });
        Evaluation.Row row = Evaluation.row(run, samples(measured, data.root().toString()));
        int[] served = new int[measured.size()];
        for (int i = 0; i < served.length; i++) {
            served[i] = run.posteriors()[i] == null ? -1 : top1(run.posteriors()[i]);
        }
        double top1 = 1 - row.top1Error() / 100;
        double top5 = 1 - row.top5Error() / 100;
        int testScale = Math.max(base.card().crop(), scales.get(scales.size() / 2));
        ModelCard.Accuracy accuracy = new ModelCard.Accuracy(data.root().toString(), data.valSplit(), measured.size(), top1, top5,
            testScale, String.format(Locale.ROOT, "the served model through the engine (vggstream evaluate's path), %s: %s; %d failed;"
                + " the fitted classifier on the %s descriptors of the same images, scored the same way: top-1 %.4f", o.protocol(),
                o.descriptor() == Descriptors.Kind.AVERAGED
                    ? "the variants' features averaged, f/||f||, then softmax(W * f + b) (head.fusion = features)"
                    : "per variant softmax(W * f/||f|| + b), posteriors averaged over the variants",
                row.failed(), o.descriptor().label(), fittedTop1));
        ModelCard card = write(base, graphHead, data, o, block, accuracy, out);
        return new FitHeadResult(out.resolve(DenseGraph.MODEL_FILE), card, trainCounts, valCounts, imbalance, skippedCount,
            skipped.subList(0, Math.min(SKIPPED_LISTED, skipped.size())), head.cvByC(), fittedTop1, top1, top5,
            measured.size(), fitted.stream().mapToInt(Integer::intValue).toArray(), served, (System.nanoTime() - start) / 1e9);
    }

    /** The class that is top-1 by {@link TopK}'s rule, or -1 when none is (a tie for first, a NaN). */
    static int top1(double[] posterior) {
        for (int k = 0; k < posterior.length; k++) {
            if (TopK.contains(posterior, k, 1)) {
                return k;
            }
        }
        return -1;
    }

    /** The card's {@code head.descriptor}: how the rows were made, and whether the served model computes what was fitted. */
    static String describe(FitHeadOptions o, String feature, List<Integer> scales, int variants) {
        String made = "FC2 features (" + feature + ") by dense evaluation over " + o.protocol() + " (scales " + scales + ", flips "
            + (o.protocol().flips() ? "on" : "off") + ", " + variants + " variants an image), ";
        if (o.descriptor() == Descriptors.Kind.PER_VARIANT) {
            return made + "one L2-normalised row per variant (per-variant): served as fitted, per variant head, posteriors averaged";
        }
        return made + "averaged over the variants and L2-normalised (averaged, the paper's descriptor): served as fitted, the engine"
            + " averaging the variants' features before the head (head.fusion = features)";
    }

    private static ModelCard write(Model base, HeadGraph.Head head, HeadData data, FitHeadOptions o, ModelCard.Head block,
                                   ModelCard.Accuracy accuracy, Path out) throws IOException {
        ModelCard b = base.card();
        Map<String, String> recipe = new LinkedHashMap<>();
        recipe.put("fit_head", "true");
        recipe.put("data", o.data().toString());
        recipe.put("protocol", o.protocol().toString());
        recipe.put("descriptor", o.descriptor().label());
        recipe.put("classifier", o.classifier().label());
        recipe.put("c", o.c() == null ? "cross-validated" : Double.toString(o.c()));
        recipe.put("folds", Integer.toString(o.folds()));
        recipe.put("holdout", data.valSplit().equals("val") ? "val/ folder" : Double.toString(o.holdout()));
        recipe.put("seed", Long.toString(o.seed()));
        b.recipe().forEach((k, v) -> recipe.put("base." + k, v));
        Map<String, String> versions = new LinkedHashMap<>(b.versions());
        versions.put("liblinear", liblinearVersion());
        versions.put("vggstream_fit_head", DenseGraph.versionOf(FitHead.class));
        return HeadGraph.write(base.onnx(), b.io().feature(), b.io().posterior(), head, out,
            sha -> new ModelCard(ModelCard.FORMAT_2, b.config(), b.width(), b.fc(), data.classes(), b.meanRgb(), b.crop(),
                b.trainingScale(), b.io(), accuracy, recipe, versions, sha, b.input(), b.source(), b.stack(), block));
    }

    static Evaluation.Samples samples(List<HeadData.Item> items, String name) {
        return new Evaluation.Samples() {
            @Override
            public int size() {
                return items.size();
            }

            @Override
            public Evaluation.Sample get(int i) {
                try {
                    return new Evaluation.Sample(Files.readAllBytes(items.get(i).file()), items.get(i).label());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public String name() {
                return name;
            }
        };
    }

    /** LIBLINEAR's version as its releases number it (2.44). */
    static String liblinearVersion() {
        int v = Linear.getVersion();
        return (v / 100) + "." + (v % 100);
    }

}
