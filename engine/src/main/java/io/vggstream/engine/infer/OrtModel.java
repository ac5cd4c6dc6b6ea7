package io.vggstream.engine.infer;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.vggstream.engine.model.BigStack;
import io.vggstream.engine.model.Model;
import io.vggstream.engine.model.ModelLoadException;
import io.vggstream.imaging.Chw;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ONNX Runtime session of one model on one device, running batches of same-shaped inputs.
 * One worker owns it and runs it; the input buffer is direct and reused across batches: each input
 * writes its floats straight into it ({@link Chw}), and ONNX Runtime reads it without a copy. {@link #close()} waits for a run in progress to return, from
 * whichever thread it is called: a session is never released under a run (that is a SIGSEGV in
 * native code, not an exception).
 */
public final class OrtModel implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OrtModel.class);

    private final Model model;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final String provider;
    /** What it was opened with, for the provider-chosen event. */
    private final Device device;
    private final int intraOpThreads;
    private final boolean spinning;
    private final String fallback;
    private final String input;
    private final String posterior;
    private final String feature;
    /** The head applied to averaged features (a fit-head model on the paper's descriptor), or null. */
    private final io.vggstream.engine.fusion.FeatureHead featureHead;
    private FloatBuffer buffer;
    /** Held for a whole run and by close: a close waits for the run, and a run after close fails. */
    private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
    private boolean closed;

    /** Runs in progress in this process, over all sessions. */
    private static final java.util.concurrent.atomic.AtomicInteger RUNNING = new java.util.concurrent.atomic.AtomicInteger();
    /** Set once the JVM exits: no new run. */
    private static volatile boolean GATE_CLOSED;

    /** Sessions open in this process, over all models: what a leak check counts. */
    private static final java.util.concurrent.atomic.AtomicInteger OPEN = new java.util.concurrent.atomic.AtomicInteger();

    /** The outputs of one batch: row i belongs to input i. */
    public record Outputs(float[][] posteriors, float[][] features) {
    }

    private OrtModel(Model model, OrtEnvironment env, OrtSession session, String provider,
                     io.vggstream.engine.fusion.FeatureHead featureHead, Device device, int intraOpThreads, boolean spinning,
                     String fallback) {
        this.model = model;
        this.device = device;
        this.intraOpThreads = intraOpThreads;
        this.spinning = spinning;
        this.fallback = fallback;
        this.env = env;
        this.session = session;
        this.provider = provider;
        var io = model.card().io();
        this.input = io.input();
        this.posterior = io.posterior();
        this.feature = io.feature();
        this.featureHead = featureHead;
        OPEN.incrementAndGet();
    }

    /** Sessions open in this process now, over all models (opened and not yet closed). */
    public static int openSessions() {
        return OPEN.get();
    }

    /**
     * Opens a session; on {@code auto} or {@code cuda:N} tries the CUDA execution provider and
     * falls back to the CPU when it cannot be had ({@code cuda:N} then fails instead), logging the choice.
     */
    public static OrtModel open(Model model, Device device, int intraOpThreads) {
        return open(model, device, intraOpThreads, false);
    }

    /** As {@link #open(Model, Device, int)}; {@code spinning}: whether idle intra-op threads spin rather than block. */
    public static OrtModel open(Model model, Device device, int intraOpThreads, boolean spinning) {
        // Read before the session opens, so that a head that cannot be used leaves nothing open.
        io.vggstream.engine.fusion.FeatureHead head = model.featureHead();
        return open(model, device, intraOpThreads, spinning, head);
    }

    /**
     * As {@link #open(Model, Device, int, boolean)}, with the model's {@link Model#featureHead()} already read: a
     * model's workers share one head, so its file is streamed for the head once per model, not once per session.
     */
    public static OrtModel open(Model model, Device device, int intraOpThreads, boolean spinning,
                                io.vggstream.engine.fusion.FeatureHead head) {
        OrtModel m = openQuietly(model, device, intraOpThreads, spinning, head);
        m.announce();
        return m;
    }

    /**
     * As {@link #open(Model, Device, int, boolean, io.vggstream.engine.fusion.FeatureHead)}, without the provider-chosen
     * event: for a session that may be closed before it serves (the engine's probe when it chooses its workers), which {@link #announce()}s
     * it if it is kept.
     */
    public static OrtModel openQuietly(Model model, Device device, int intraOpThreads, boolean spinning,
                                io.vggstream.engine.fusion.FeatureHead head) {
        return BigStack.call("ort-open-" + model.name(), () -> openHere(model, device, intraOpThreads, spinning, head));
    }

    /** The provider-chosen event: one line per session that serves, that is per inference worker. */
    public void announce() {
        log.atInfo()
            .addKeyValue("event", "provider-chosen")
            .addKeyValue("model", model.name())
            .addKeyValue("device", device.toString())
            .addKeyValue("provider", provider)
            .addKeyValue("threads", intraOpThreads)
            .addKeyValue("spinning", spinning)
            .addKeyValue("fallback", fallback == null ? "" : fallback)
            .log("execution provider: {} on {} (asked for {}{}), {} intra-op threads{}",
                model.name(), provider, device, fallback == null ? "" : "; CUDA not available: " + fallback, intraOpThreads,
                spinning ? ", spinning" : "");
    }

    private static OrtModel openHere(Model model, Device device, int intraOpThreads, boolean spinning,
                                     io.vggstream.engine.fusion.FeatureHead head) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        String provider = "CPU";
        String fallback = null;
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            opts.setIntraOpNumThreads(Math.max(1, intraOpThreads));
            opts.setInterOpNumThreads(1);
            // Blocking idle threads (no spinning) is the default (inference.spinning): spinning threads keep the cores the
            // preprocessors (and, on a shared host, everything else) need; measured on 2 cores, for VGG-16 at 1/8 width and
            // for the demo's tiny model alike (docs/engine.md, "Where a frame's time goes").
            opts.addConfigEntry("session.intra_op.allow_spinning", spinning ? "1" : "0");
            if (device.kind() != Device.Kind.CPU) {
                try {
                    opts.addCUDA(device.id());
                    provider = "CUDA:" + device.id();
                } catch (OrtException | RuntimeException e) {
                    if (device.kind() == Device.Kind.CUDA) {
                        throw new IllegalStateException("device " + device + " was asked for, but ONNX Runtime cannot use CUDA here: "
                            + e.getMessage() + " (build with -Pcuda on a host with CUDA 12 and cuDNN 9, or use --device cpu)", e);
                    }
                    fallback = firstLine(e.getMessage());
                }
            }
            OrtSession session = env.createSession(model.onnx().toString(), opts);
            OrtModel m = new OrtModel(model, env, session, provider, head, device, intraOpThreads, spinning, fallback);
            m.checkSignature();
            return m;
        } catch (OrtException e) {
            throw new ModelLoadException(model.onnx(), "ONNX Runtime cannot load it: " + e.getMessage());
        }
    }

    private void checkSignature() throws OrtException {
        Map<String, NodeInfo> in = session.getInputInfo();
        Map<String, NodeInfo> out = session.getOutputInfo();
        if (!in.containsKey(input)) {
            close();
            throw new ModelLoadException(model.onnx(), "the card names input '" + input + "' but the graph's inputs are " + in.keySet());
        }
        if (!out.containsKey(posterior)) {
            close();
            throw new ModelLoadException(model.onnx(), "the card names output '" + posterior + "' but the graph's outputs are " + out.keySet());
        }
        if (featureHead != null) {
            long[] shape = out.get(feature) != null && out.get(feature).getInfo() instanceof ai.onnxruntime.TensorInfo t ? t.getShape() : null;
            if (shape == null || shape.length != 2 || (shape[1] >= 0 && shape[1] != featureHead.features())) {
                close();
                throw new ModelLoadException(model.onnx(), "its head reads features of " + featureHead.features() + " values, but the graph's"
                    + " feature output '" + feature + "' is " + (shape == null ? "missing" : java.util.Arrays.toString(shape)));
            }
        }
    }

    /** The head to apply to averaged features, or null when the model's posteriors are fused as usual. */
    public io.vggstream.engine.fusion.FeatureHead featureHead() {
        return featureHead;
    }

    /** Whether every run must fetch the feature output: the model fuses its variants' features. */
    public boolean fusesFeatures() {
        return featureHead != null;
    }

    public String provider() {
        return provider;
    }

    public Model model() {
        return model;
    }

    /**
     * Runs one batch of {@code [3, h, w]} inputs.
     *
     * @param withFeatures also fetch the feature output (when the graph has one)
     */
    public Outputs run(List<float[]> inputs, int h, int w, boolean withFeatures) throws OrtException {
        return runTensors(inputs.stream().map(Chw::of).toList(), h, w, withFeatures);
    }

    /**
     * Runs one batch of {@code [3, h, w]} inputs, each written straight into the session's direct input buffer.
     *
     * @param withFeatures also fetch the feature output (when the graph has one)
     */
    public Outputs runTensors(List<? extends Chw> inputs, int h, int w, boolean withFeatures) throws OrtException {
        lock.lock();
        RUNNING.incrementAndGet();
        // Its start, for the stall watch: a run stuck in native code never reaches the finally.
        long clock = RunClock.begin(model.name() + "@" + provider);
        try {
            // After the count: the exit guard closes the gate, then reads the count, so one of the two sees the other.
            if (GATE_CLOSED) {
                throw new IllegalStateException("the process is exiting: no new ONNX Runtime run");
            }
            if (closed) {
                throw new IllegalStateException("the ONNX Runtime session of " + model.name() + " is closed");
            }
            return runHere(inputs, h, w, withFeatures);
        } finally {
            RunClock.end(clock);
            RUNNING.decrementAndGet();
            lock.unlock();
        }
    }

    /**
     * Runs in progress in this process now, over all sessions. ONNX Runtime releases its
     * environment in a JVM shutdown hook of its own; a process must not begin exiting while this
     * is above zero.
     */
    public static int runsInProgress() {
        return RUNNING.get();
    }

    /** No run starts after this (the JVM is exiting; see runtime/ExitGuard): those in progress go on to their end. */
    public static void closeGate() {
        GATE_CLOSED = true;
    }

    private Outputs runHere(List<? extends Chw> inputs, int h, int w, boolean withFeatures) throws OrtException {
        int n = inputs.size();
        int per = 3 * h * w;
        FloatBuffer buf = buffer(n * per);
        for (int i = 0; i < n; i++) {
            Chw x = inputs.get(i);
            if (x.floats() != per) {
                throw new IllegalArgumentException("input of " + x.floats() + " floats in a batch of shape [3," + h + "," + w + "]");
            }
            x.writeTo(buf, i * per);
        }
        Set<String> wanted = new HashSet<>();
        wanted.add(posterior);
        boolean features = withFeatures && feature != null && session.getOutputNames().contains(feature);
        if (features) {
            wanted.add(feature);
        }
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, buf, new long[] {n, 3, h, w});
             OrtSession.Result result = session.run(Map.of(input, tensor), wanted)) {
            float[][] p = rows((OnnxTensor) result.get(posterior).orElseThrow(), n);
            float[][] f = features ? rows((OnnxTensor) result.get(feature).orElseThrow(), n) : null;
            return new Outputs(p, f);
        }
    }

    private static float[][] rows(OnnxTensor t, int n) {
        FloatBuffer fb = t.getFloatBuffer();
        int width = fb.remaining() / n;
        float[][] out = new float[n][width];
        for (int i = 0; i < n; i++) {
            fb.get(out[i]);
        }
        return out;
    }

    private FloatBuffer buffer(int floats) {
        if (buffer == null || buffer.capacity() < floats) {
            buffer = ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        }
        buffer.clear();
        buffer.limit(floats);
        return buffer;
    }

    /** Releases the session, after the run in progress (if any) returned; later runs fail with an IllegalStateException. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            OPEN.decrementAndGet();
            session.close();
        } catch (OrtException e) {
            log.warn("{}: closing the ONNX Runtime session failed: {}", model.name(), e.getMessage());
        } finally {
            lock.unlock();
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "no reason given";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
