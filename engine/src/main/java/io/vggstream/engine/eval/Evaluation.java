package io.vggstream.engine.eval;

import com.typesafe.config.Config;
import io.vggstream.engine.runtime.Engine;
import io.vggstream.engine.settings.EngineSettings;
import io.vggstream.engine.api.Classification;
import io.vggstream.engine.fusion.Fusion;
import io.vggstream.engine.model.Model;
import io.vggstream.engine.protocol.Protocol;
import io.vggstream.topics.card.TopK;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Top-1 and top-5 error of models, alone and as an ensemble, under test-time protocols: the
 * shape of the paper's Tables 3 to 6. Every image goes through {@link Engine#classify}, the
 * streaming path's own preprocessing, batching and fusion; the ensemble is the
 * {@link Fusion#mean} of the models' posteriors, as the aggregator computes it.
 */
public final class Evaluation {

    private Evaluation() {
    }

    /** One labelled encoded image. */
    public record Sample(byte[] image, int label) {
    }

    /** The images to evaluate on; {@code get(i)} may decode or encode on demand. */
    public interface Samples {
        int size();

        Sample get(int i);

        String name();
    }

    /**
     * One row of the table.
     *
     * @param models the model(s): one name, or several joined by " + " for an ensemble
     * @param trainScale the models' training scale S (fixed, or Smin:Smax)
     * @param scales the test scales Q
     * @param failed images that could not be classified (counted as errors)
     */
    public record Row(String models, String trainScale, Protocol protocol, List<Integer> scales, int images,
                      double top1Error, double top5Error, int failed) {
    }

    /** The posteriors one model gave, per image (null where it failed). */
    public record Run(Model model, Protocol protocol, List<Integer> scales, double[][] posteriors, int failed) {
    }

    /** Classifies every sample with one model under one protocol. */
    public static Run run(Config config, EngineSettings base, Path model, Protocol protocol, Samples samples, IntConsumer progress)
            throws Exception {
        EngineSettings settings = base.withModels(List.of(model)).withProtocol(protocol);
        try (Engine engine = Engine.start(settings, config)) {
            double[][] posteriors = new double[samples.size()][];
            int[] failed = {0};
            // Bounded like the streaming path: at most max-in-flight images inside the engine.
            Semaphore inFlight = new Semaphore(settings.maxInFlight());
            List<CompletableFuture<Void>> pending = new ArrayList<>();
            for (int i = 0; i < samples.size(); i++) {
                inFlight.acquire();
                int idx = i;
                pending.add(engine.classify(samples.get(i).image()).toCompletableFuture().thenAccept(o -> {
                    if (o instanceof Classification.Ok c) {
                        posteriors[idx] = c.posterior();
                    } else {
                        synchronized (failed) {
                            failed[0]++;
                        }
                    }
                    inFlight.release();
                    progress.accept(idx);
                }));
            }
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(24, TimeUnit.HOURS);
            return new Run(engine.models().get(0), protocol, engine.scales(), posteriors, failed[0]);
        }
    }

    /** The row for one model's run. */
    public static Row row(Run run, Samples samples) {
        return score(run.model().name(), run.model().card().trainingScale().toString(), run.protocol(), run.scales(),
            java.util.Collections.singletonList(run.posteriors()), samples);
    }

    /** The row for the ensemble of several runs under the same protocol. */
    public static Row ensemble(List<Run> runs, Samples samples) {
        String names = String.join(" + ", runs.stream().map(r -> r.model().name()).toList());
        String scales = String.join(" + ", runs.stream().map(r -> r.model().card().trainingScale().toString()).distinct().toList());
        return score(names, scales, runs.get(0).protocol(), runs.get(0).scales(), runs.stream().map(Run::posteriors).toList(), samples);
    }

    /**
     * Scores the fused posteriors by {@link TopK}: a failed image, a NaN posterior and a tie for
     * first are errors at rank 1; at rank 5 a tie across the fifth place is too.
     */
    static Row score(String models, String trainScale, Protocol protocol, List<Integer> scales, List<double[][]> perModel,
                             Samples samples) {
        int n = samples.size();
        int top1 = 0;
        int top5 = 0;
        int failed = 0;
        for (int i = 0; i < n; i++) {
            List<double[]> ps = new ArrayList<>();
            for (double[][] m : perModel) {
                if (m[i] != null) {
                    ps.add(m[i]);
                }
            }
            if (ps.size() < perModel.size()) {
                failed++;
                continue;
            }
            double[] fused = Fusion.mean(ps);
            int label = samples.get(i).label();
            if (TopK.contains(fused, label, 1)) {
                top1++;
            }
            if (TopK.contains(fused, label, 5)) {
                top5++;
            }
        }
        return new Row(models, trainScale, protocol, scales, n, 100.0 * (n - top1) / n, 100.0 * (n - top5) / n, failed);
    }

    /** The rows as a markdown table shaped like the paper's (errors in %). */
    public static String markdown(String dataset, List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("Evaluation on ").append(dataset).append(" (error %, lower is better)\n\n");
        sb.append("| model | train S | test Q | protocol | images | top-1 err | top-5 err | failed |\n");
        sb.append("|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %d | %.2f | %.2f | %d |%n", r.models(), r.trainScale(),
                String.join(",", r.scales().stream().map(String::valueOf).toList()), r.protocol(), r.images(), r.top1Error(),
                r.top5Error(), r.failed()));
        }
        return sb.toString();
    }

    /** The rows as CSV, one line each, with a header. */
    public static String csv(List<Row> rows) {
        StringBuilder sb = new StringBuilder("models,train_scale,test_scales,protocol,images,top1_error,top5_error,failed\n");
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "\"%s\",%s,\"%s\",\"%s\",%d,%.4f,%.4f,%d%n", r.models(), r.trainScale(),
                String.join(" ", r.scales().stream().map(String::valueOf).toList()), r.protocol(), r.images(), r.top1Error(),
                r.top5Error(), r.failed()));
        }
        return sb.toString();
    }
}
