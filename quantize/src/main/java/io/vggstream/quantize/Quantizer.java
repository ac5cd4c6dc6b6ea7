package io.vggstream.quantize;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.vggstream.engine.eval.Evaluation;
import io.vggstream.engine.model.BigStack;
import io.vggstream.engine.model.Model;
import io.vggstream.engine.model.Normalisation;
import io.vggstream.engine.preprocess.ImageLimits;
import io.vggstream.engine.preprocess.Plan;
import io.vggstream.engine.preprocess.Preprocessing;
import io.vggstream.engine.preprocess.Variant;
import io.vggstream.engine.protocol.Protocol;
import io.vggstream.onnx.DenseGraph;
import io.vggstream.onnx.OnnxModel;
import io.vggstream.onnx.OnnxReader;
import io.vggstream.onnx.quant.ActivationRange;
import io.vggstream.onnx.quant.QdqGraph;
import io.vggstream.topics.card.ModelCard;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code quantize} job: calibrated static quantization of a float32 dense VGG into a QDQ graph
 * the engine serves as it is. Calibration runs the float32 graph in ONNX Runtime, with every
 * activation the rewrite needs exposed as an extra output, on real images passed through the
 * engine's own {@link Preprocessing} at the card's single test scale Q (the dense whole image, no
 * flip); the ranges then come from {@link Histogram} by the chosen {@link Method}. Optionally both
 * graphs are evaluated through the engine under one protocol and the card records both accuracies.
 */
public final class Quantizer {

    /** The most pixels a calibration image may have (the trainer's image-folder limit). */
    static final long MAX_PIXELS = 40_000_000L;

    private Quantizer() {}

    public static QuantizeResult run(QuantizeOptions o, PrintWriter progress) throws Exception {
        Model fp32 = Model.load(o.model());
        if (fp32.card().quantization() != null) {
            throw new QuantizeException(o.model() + " is already quantized (its card has a quantization block, method "
                    + fp32.card().quantization().method() + "): quantize the float32 model it came from");
        }
        OnnxModel graph = OnnxReader.read(fp32.onnx());
        String op = QdqGraph.quantizedOp(graph);
        if (op != null) {
            throw new QuantizeException(fp32.onnx() + " is already quantized (it holds " + op
                    + "): quantize a float32 model");
        }
        Path out = o.out().toAbsolutePath().normalize();
        if (out.equals(fp32.onnx().getParent())) {
            throw new QuantizeException("--out " + o.out() + " is the float32 model's own folder: give another");
        }
        Set<String> convNames = new LinkedHashSet<>();
        QdqGraph.convs(graph).forEach(c -> convNames.add(c.name()));
        for (String l : o.fp32Layers()) {
            if (!convNames.contains(l)) {
                throw new QuantizeException("--fp32 " + l + ": the graph has no such convolution; its convolutions are "
                        + convNames);
            }
        }
        List<String> tensors = QdqGraph.calibrated(graph, o.fp32Layers());
        Calibration cal = calibrate(fp32, graph, tensors, o, progress);
        Map<String, ActivationRange> ranges = new LinkedHashMap<>();
        for (String t : tensors) {
            ranges.put(t, cal.histograms.get(t).range(o.method()));
        }
        List<String> fp32Layers = convNames.stream().filter(o.fp32Layers()::contains).toList();
        ModelCard.Quantization q = new ModelCard.Quantization(o.method().label(), o.calibrationName(), cal.images,
                "int8, per output channel, symmetric", 8, "uint8, per tensor, asymmetric", 8, fp32Layers, null, null);
        String version = DenseGraph.versionOf(Quantizer.class);
        ModelCard card = QdqGraph.write(graph, ranges, o.fp32Layers(), out, version,
                sha -> withVersion(fp32.card().quantized(q, null, sha), version));
        progress.printf("wrote %s (%s, %d calibration images, %d activations)%n", out, o.method().label(), cal.images,
                ranges.size());
        progress.flush();
        Optional<Evaluation.Row> fpRow = Optional.empty();
        Optional<Evaluation.Row> int8Row = Optional.empty();
        if (o.check().isPresent()) {
            QuantizeOptions.Check c = o.check().get();
            fpRow = Optional.of(evaluate(c, fp32.onnx().getParent(), progress, "float32"));
            int8Row = Optional.of(evaluate(c, out, progress, "int8"));
            ModelCard.Accuracy fa = accuracy(fpRow.get(), c, fp32.card());
            ModelCard.Accuracy ia = accuracy(int8Row.get(), c, fp32.card());
            ModelCard.Quantization measured = new ModelCard.Quantization(q.method(), q.calibration(), q.images(),
                    q.weights(), q.weightBits(), q.activations(), q.activationBits(), q.fp32Layers(), fa, ia);
            // written again, the accuracies in the card: the same weights, so the same digest
            card = QdqGraph.write(graph, ranges, o.fp32Layers(), out, version,
                    sha -> withVersion(fp32.card().quantized(measured, ia, sha), version));
        }
        return new QuantizeResult(card, out, cal.images, ranges, fpRow, int8Row);
    }

    private static ModelCard withVersion(ModelCard c, String version) {
        Map<String, String> v = new LinkedHashMap<>(c.versions());
        v.put("vggstream-quantize", version);
        return new ModelCard(c.format(), c.config(), c.width(), c.fc(), c.classes(), c.meanRgb(), c.crop(),
                c.trainingScale(), c.io(), c.accuracy(), c.recipe(), v, c.weightsSha256(), c.input(), c.source(),
                c.stack(), c.head(), c.quantization());
    }

    private static Evaluation.Row evaluate(QuantizeOptions.Check c, Path model, PrintWriter progress, String what)
            throws Exception {
        progress.printf("evaluating the %s model on %d images (%s)%n", what, c.samples().size(), c.protocol().name());
        progress.flush();
        Evaluation.Run run = Evaluation.run(c.config(), c.base(), model, c.protocol(), c.samples(), i -> { });
        return Evaluation.row(run, c.samples());
    }

    private static ModelCard.Accuracy accuracy(Evaluation.Row r, QuantizeOptions.Check c, ModelCard card) {
        double top1 = 1 - r.top1Error() / 100;
        double top5 = Math.max(top1, 1 - r.top5Error() / 100);
        int q = r.scales().isEmpty() ? card.trainingScale().testScale() : r.scales().get(0);
        return new ModelCard.Accuracy(c.samples().name(), c.split(), r.images(), top1, top5, Math.max(q, card.crop()),
                "vggstream evaluate --protocol " + c.protocol().name() + ", scales " + r.scales() + " (through the engine)");
    }

    /** The calibration's statistics. */
    private record Calibration(Map<String, Histogram> histograms, int images) {}

    private static Calibration calibrate(Model model, OnnxModel graph, List<String> tensors, QuantizeOptions o,
            PrintWriter progress) throws IOException {
        Evaluation.Samples samples = o.calibration();
        if (samples.size() == 0) {
            throw new QuantizeException("the calibration set " + o.calibrationName() + " holds no image");
        }
        int n = Math.min(o.images(), samples.size());
        int[] picks = new int[n];
        for (int i = 0; i < n; i++) {
            picks[i] = (int) ((long) i * samples.size() / n);
        }
        Set<Integer> labels = new TreeSet<>();
        for (int p : picks) {
            labels.add(samples.get(p).label());
        }
        if (labels.size() < 2) {
            throw new QuantizeException("the calibration set " + o.calibrationName() + " has images of one class only ("
                    + model.card().classes().get(labels.iterator().next()) + ", in the " + n
                    + " images picked): calibrate on images of several classes, as the model will see them");
        }
        Protocol single = Protocol.parse("single");
        Plan plan = new Plan(0, single.scalesFor(model.card()), false, true, false, model.card().crop(),
                Normalisation.of(model.card()));
        ImageLimits limits = ImageLimits.of(MAX_PIXELS, 8);
        Map<String, Histogram> hist = new LinkedHashMap<>();
        tensors.forEach(t -> hist.put(t, new Histogram()));
        Path dir = Files.createTempDirectory("vggstream-calibration");
        Path file = dir.resolve("calibration.onnx");
        try {
            QdqGraph.writeCalibrationGraph(graph, tensors, file);
            int passes = o.method() == Method.MINMAX ? 1 : 2;
            int[] used = {0};
            BigStack.call("calibration", () -> {
                try (Session s = new Session(file, model.card().io().input())) {
                    for (int pass = 0; pass < passes; pass++) {
                        used[0] = 0;
                        for (int i = 0; i < n; i++) {
                            Preprocessing.Result r = Preprocessing.variants(samples.get(picks[i]).image(), List.of(plan), limits);
                            if (!(r instanceof Preprocessing.Result.Ok ok)) {
                                if (pass == 0) {
                                    progress.printf("skipped calibration image %d: %s%n", picks[i],
                                            ((Preprocessing.Result.Bad) r).reason());
                                }
                                continue;
                            }
                            used[0]++;
                            for (Variant v : ok.variants()) {
                                Map<String, FloatBuffer> acts = s.run(v, tensors);
                                for (String t : tensors) {
                                    if (pass == 0) {
                                        hist.get(t).observeRange(acts.get(t));
                                    } else {
                                        hist.get(t).observeHistogram(acts.get(t));
                                    }
                                }
                            }
                            if (pass == 0 && used[0] == 1) {
                                progress.printf("calibrating on up to %d images of %s (%s)%n", n, o.calibrationName(),
                                        o.method().label());
                                progress.flush();
                            }
                        }
                        if (used[0] == 0) {
                            throw new QuantizeException("the calibration set " + o.calibrationName()
                                    + " has no readable image (" + n + " tried): nothing to calibrate on");
                        }
                    }
                } catch (OrtException e) {
                    throw new QuantizeException("ONNX Runtime cannot run the calibration graph of " + model.onnx() + ": "
                            + e.getMessage());
                }
                return null;
            });
            return new Calibration(hist, used[0]);
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }

    /** The calibration graph's session; the activations copied out before its tensors are closed. */
    private static final class Session implements AutoCloseable {
        private final OrtEnvironment env = OrtEnvironment.getEnvironment();
        private final OrtSession session;
        private final String input;

        Session(Path file, String input) throws OrtException {
            try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
                opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                opts.setIntraOpNumThreads(Math.max(1, Runtime.getRuntime().availableProcessors()));
                this.session = env.createSession(file.toString(), opts);
            }
            this.input = input;
        }

        Map<String, FloatBuffer> run(Variant v, List<String> tensors) throws OrtException {
            float[] chw = v.chw(); // a new array on each call
            FloatBuffer in = ByteBuffer.allocateDirect(chw.length * Float.BYTES).order(ByteOrder.nativeOrder())
                    .asFloatBuffer();
            in.put(chw).flip();
            Map<String, FloatBuffer> out = new LinkedHashMap<>();
            try (OnnxTensor x = OnnxTensor.createTensor(env, in, new long[] {1, 3, v.h(), v.w()});
                    OrtSession.Result r = session.run(Map.of(input, x), new LinkedHashSet<>(tensors))) {
                for (String t : tensors) {
                    OnnxValue val = r.get(t).orElseThrow();
                    FloatBuffer b = ((OnnxTensor) val).getFloatBuffer();
                    out.put(t, b);
                }
            }
            return out;
        }

        @Override
        public void close() throws OrtException {
            session.close();
        }
    }

    static UncheckedIOException unchecked(IOException e) {
        return new UncheckedIOException(e);
    }
}
