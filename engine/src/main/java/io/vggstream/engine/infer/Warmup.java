package io.vggstream.engine.infer;

import io.vggstream.engine.model.ModelLoadException;
import io.vggstream.engine.preprocess.Plan;
import io.vggstream.engine.preprocess.Preprocessing;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.LoggerFactory;

/**
 * Runs every input shape a protocol will meet once on every session before the engine is ready:
 * the crop size when it takes crops, and each Q of each configured frame size when it is dense.
 * Used at start and for a hot swap's replacement.
 */
public final class Warmup {

    private Warmup() {
    }

    /** The input shapes ({@code [H, W]}) a plan meets: its crop when it takes crops, each Q of each frame size when it is dense. */
    public static Set<List<Integer>> shapes(Plan plan, List<int[]> frameSizes) {
        Set<List<Integer>> shapes = new LinkedHashSet<>();
        if (plan.crops()) {
            shapes.add(List.of(plan.crop(), plan.crop()));
        }
        if (plan.dense()) {
            for (int[] wh : frameSizes) {
                for (int q : plan.scales()) {
                    int[] size = Preprocessing.scaledSize(wh[0], wh[1], q);
                    shapes.add(List.of(size[1], size[0]));
                }
            }
        }
        return shapes;
    }

    /**
     * Runs one zero input of each shape ({@code [H, W]}) on {@code session}.
     *
     * @param during what the runs are for, for the error ("during warm-up")
     * @throws ModelLoadException naming the model's file, when the session fails on a shape
     */
    public static void runEach(OrtModel session, Collection<List<Integer>> shapes, boolean withFeatures, String during) {
        for (List<Integer> hw : shapes) {
            try {
                session.run(List.of(new float[3 * hw.get(0) * hw.get(1)]), hw.get(0), hw.get(1), withFeatures);
            } catch (ai.onnxruntime.OrtException e) {
                throw new ModelLoadException(session.model().onnx(),
                    "fails on a " + hw.get(0) + "x" + hw.get(1) + " input " + during + ": " + e.getMessage());
            }
        }
    }

    /**
     * @param sessions per model index, its sessions (an empty list for a model not warmed here)
     * @param frameSizes the frame sizes ({width, height}) a dense protocol is warmed for
     * @param nanosByModel each model's warm-up time is added here
     * @return the shapes run, as {@code HxW}
     * @throws ModelLoadException naming the model's file, when a session fails on a shape
     */
    public static List<String> run(List<Plan> plans, List<List<OrtModel>> sessions, List<int[]> frameSizes, boolean includeFeatures,
                                   long[] nanosByModel) {
        long t0 = System.nanoTime();
        Set<String> all = new TreeSet<>();
        for (Plan plan : plans) {
            Set<List<Integer>> shapes = shapes(plan, frameSizes);
            long planStart = System.nanoTime();
            for (OrtModel session : sessions.get(plan.model())) {
                runEach(session, shapes, includeFeatures || session.fusesFeatures(), "during warm-up");
            }
            nanosByModel[plan.model()] += System.nanoTime() - planStart;
            shapes.forEach(hw -> all.add(hw.get(0) + "x" + hw.get(1)));
        }
        LoggerFactory.getLogger(Warmup.class).info("warm: {} input shapes {} on every session in {} ms; ready", all.size(), all,
            (System.nanoTime() - t0) / 1_000_000);
        return List.copyOf(all);
    }
}
