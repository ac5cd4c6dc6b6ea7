package io.vggstream.video.annotate;

import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import io.vggstream.topics.KafkaLimits;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import io.vggstream.topics.frame.Frame;
import io.vggstream.topics.frame.FrameRecords;
import io.vggstream.topics.prediction.Prediction;
import io.vggstream.topics.prediction.PredictionDeserializer;
import io.vggstream.video.Ffmpeg;
import io.vggstream.video.VideoException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.FrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code annotate}: one stream's frames from the frames topic, each with its prediction from the
 * predictions topic (joined by stream, {@code seq} and {@code ts}) drawn on it, written as an MP4
 * (H.264 through libopenh264, or the next encoder of {@code codecs} when that one is missing).
 *
 * <p>Both topics are read once, up to where they ended when the run started: the run ends by
 * itself. Predictions are read first (they are small: kept in memory by {@code seq, ts}); frames
 * are then decoded, drawn on and encoded one at a time, in the order of their partition. A frame
 * without a prediction yet is written with "no prediction". The video is written to
 * {@code FILE.mp4.part} and renamed when complete, so a failed run leaves no half file.
 *
 * <pre>{@code
 * AnnotateResult r = new Annotator(AnnotateOptions.of("cam-1", Path.of("cam-1.mp4")), kafka, topics).run();
 * }</pre>
 */
public final class Annotator {

    private static final Logger LOG = LoggerFactory.getLogger(Annotator.class);

    /** Frames looked at to tell the frame rate from their timestamps before the encoder starts. */
    static final int RATE_PROBE_FRAMES = 50;

    private final AnnotateOptions options;
    private final KafkaSettings kafka;
    private final TopicsSettings topics;
    private final AtomicBoolean stopRequested = new AtomicBoolean();

    public Annotator(AnnotateOptions options, KafkaSettings kafka, TopicsSettings topics) {
        this.options = options;
        this.kafka = kafka;
        this.topics = topics;
    }

    /** Asks a running {@link #run()} to finish the video with the frames written so far. Any thread. */
    public void stop() {
        stopRequested.set(true);
    }

    /** The join key: a frame and its prediction share the stream, {@code seq} and capture time. */
    private record Key(long seq, long ts) {
    }

    /**
     * Writes the video.
     *
     * @throws VideoException when a topic or the broker is missing, no frame of the stream is in
     *     range, no encoder opens, or the file cannot be written
     */
    public AnnotateResult run() {
        Ffmpeg.logLevel(options.ffmpegLogLevel());
        long t0 = System.nanoTime();
        String framesTopic = options.framesTopic().orElse(topics.frames().name());
        String predictionsTopic = options.predictionsTopic().orElse(topics.predictions().name());
        Map<String, Object> props = KafkaLimits.consumer(kafka, topics);
        Path out = options.out().toAbsolutePath();
        Path part = out.resolveSibling(out.getFileName() + ".part");
        try {
            Files.createDirectories(out.getParent());
        } catch (IOException e) {
            throw new VideoException("cannot create the folder of " + out + ": " + e.getMessage(), e);
        }
        byte[] key = options.stream().getBytes(StandardCharsets.UTF_8);
        // Frames' end first, then predictions': every frame in range has had the most time to get its prediction.
        try (TopicRange frames = TopicRange.open(props, kafka.bootstrapServers(), framesTopic, options.from(), options.kafkaTimeout());
             TopicRange predictionRange = TopicRange.open(props, kafka.bootstrapServers(), predictionsTopic, options.from(),
                 options.kafkaTimeout())) {
            Map<Key, Prediction> predictions = readPredictions(predictionRange, key);
            Writer writer = new Writer(part);
            try (writer) {
                List<Frame> probe = new ArrayList<>();
                double fps = options.fps().orElse(Double.NaN);
                read:
                while (!stopRequested.get() && !frames.done()) {
                    for (ConsumerRecord<byte[], byte[]> r : frames.poll()) {
                        if (stopRequested.get() || (options.limit().isPresent() && writer.frames >= options.limit().getAsLong())) {
                            break read;
                        }
                        if (!Arrays.equals(r.key(), key)) {
                            continue;
                        }
                        FrameRecords.Parsed parsed = FrameRecords.parse(r, topics.maxFrameBytes());
                        if (!(parsed instanceof FrameRecords.Parsed.Valid v)) {
                            writer.skipped++;
                            continue;
                        }
                        Frame f = v.frame().frame();
                        if (!inRange(f.ts())) {
                            continue;
                        }
                        if (Double.isNaN(fps)) {
                            probe.add(f);
                            if (probe.size() < RATE_PROBE_FRAMES) {
                                continue;
                            }
                            fps = FrameRate.estimate(probe.stream().map(Frame::ts).toList(), options.defaultFps());
                            for (Frame p : probe) {
                                writer.write(p, predictions.get(new Key(p.seq(), p.ts())), fps);
                            }
                            probe.clear();
                            continue;
                        }
                        writer.write(f, predictions.get(new Key(f.seq(), f.ts())), fps);
                    }
                }
                if (!probe.isEmpty()) {
                    fps = FrameRate.estimate(probe.stream().map(Frame::ts).toList(), options.defaultFps());
                    for (Frame p : probe) {
                        if (options.limit().isPresent() && writer.frames >= options.limit().getAsLong()) {
                            break;
                        }
                        writer.write(p, predictions.get(new Key(p.seq(), p.ts())), fps);
                    }
                }
                if (writer.frames == 0) {
                    throw new VideoException("no frames of stream " + options.stream() + " on topic " + framesTopic + range()
                        + (writer.skipped > 0 ? " (" + writer.skipped + " unreadable ones skipped)" : "")
                        + "; nothing written to " + out);
                }
                writer.finish();
            } catch (RuntimeException e) {
                writer.close();
                deleteQuietly(part);
                throw e;
            }
            try {
                Files.move(part, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                deleteQuietly(part);
                throw new VideoException("cannot move the finished video to " + out + ": " + e.getMessage(), e);
            }
            return new AnnotateResult(out, writer.frames, writer.predicted, writer.width, writer.height, writer.fps, writer.codec,
                Optional.ofNullable(writer.fallback), writer.skipped, (System.nanoTime() - t0) / 1e9);
        }
    }

    private Map<Key, Prediction> readPredictions(TopicRange range, byte[] key) {
        Map<Key, Prediction> out = new HashMap<>();
        long invalid = 0;
        try (PredictionDeserializer d = new PredictionDeserializer()) {
            while (!stopRequested.get() && !range.done()) {
                for (ConsumerRecord<byte[], byte[]> r : range.poll()) {
                    if (r.value() == null || (r.key() != null && !Arrays.equals(r.key(), key))) {
                        continue;
                    }
                    Prediction p;
                    try {
                        p = d.deserialize(r.topic(), r.value());
                    } catch (SerializationException e) {
                        invalid++;
                        continue;
                    }
                    if (p.stream().equals(options.stream()) && inRange(p.ts())) {
                        out.put(new Key(p.seq(), p.ts()), p);
                    }
                }
            }
        }
        if (invalid > 0) {
            LOG.warn("skipped {} records on the predictions topic that are not the contract's prediction JSON", invalid);
        }
        return out;
    }

    private boolean inRange(long ts) {
        return options.from().map(f -> ts >= f.toEpochMilli()).orElse(true) && options.to().map(t -> ts <= t.toEpochMilli()).orElse(true);
    }

    private String range() {
        if (options.from().isEmpty() && options.to().isEmpty()) {
            return "";
        }
        return " between " + options.from().map(Object::toString).orElse("the start") + " and " + options.to().map(Object::toString).orElse("now");
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", p, e.getMessage());
        }
    }

    /** Decodes, draws on and encodes frames; opens the encoder at the first decodable frame, whose size it keeps. */
    private final class Writer implements AutoCloseable {
        private final Path file;
        private final OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
        private final Mat scaled = new Mat();
        private FFmpegFrameRecorder recorder;
        long frames;
        long predicted;
        long skipped;
        int width;
        int height;
        double fps;
        String codec;
        String fallback;
        private boolean closed;

        Writer(Path file) {
            this.file = file;
        }

        void write(Frame f, Prediction p, double rate) {
            try (BytePointer bytes = new BytePointer(f.image());
                 Mat buf = new Mat(1, f.image().length, CV_8U, bytes);
                 Mat img = imdecode(buf, IMREAD_COLOR)) {
                if (img == null || img.empty()) {
                    skipped++;
                    return;
                }
                if (recorder == null) {
                    start(img.cols(), img.rows(), rate);
                }
                Mat canvas = img;
                if (img.cols() != width || img.rows() != height) {
                    boolean down = (long) width * height < (long) img.cols() * img.rows();
                    try (Size size = new Size(width, height)) {
                        resize(img, scaled, size, 0, 0, down ? INTER_AREA : INTER_LINEAR);
                    }
                    canvas = scaled;
                }
                OverlayPainter.paint(canvas, Overlay.layout(width, height, options.stream(), f.seq(), Optional.ofNullable(p),
                    options.topK(), OverlayPainter::width));
                try {
                    recorder.record(converter.convert(canvas));
                } catch (FrameRecorder.Exception e) {
                    throw new VideoException("encoding frame " + f.seq() + " into " + file + " failed: " + Ffmpeg.reason(e), e);
                }
                frames++;
                if (p != null) {
                    predicted++;
                }
            }
        }

        private void start(int w, int h, double rate) {
            int[] size = Overlay.outputSize(w, h, options.minHeight());
            List<String> failures = new ArrayList<>();
            for (String name : options.codecs()) {
                if (avcodec.avcodec_find_encoder_by_name(name) == null) {
                    failures.add(name + ": not in this FFmpeg build");
                    continue;
                }
                FFmpegFrameRecorder r = new FFmpegFrameRecorder(file.toFile(), size[0], size[1], 0);
                r.setFormat("mp4");
                r.setVideoCodecName(name);
                r.setFrameRate(rate);
                r.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
                r.setVideoBitrate((int) Math.min(Integer.MAX_VALUE, Math.round(options.bitsPerPixel() * size[0] * size[1] * rate)));
                // A key frame every two seconds: players can seek, and a cut file still plays from near the cut.
                r.setGopSize(Math.max(1, (int) Math.round(rate * 2)));
                // The index at the front, so a player (or a browser) starts before it has the whole file.
                r.setOption("movflags", "+faststart");
                try {
                    r.start();
                } catch (FrameRecorder.Exception | RuntimeException e) {
                    failures.add(name + ": " + Ffmpeg.reason(e));
                    release(r);
                    continue;
                }
                recorder = r;
                codec = name;
                break;
            }
            if (recorder == null) {
                throw new VideoException("no video encoder could be opened for " + file + ": " + String.join("; ", failures));
            }
            if (!failures.isEmpty()) {
                fallback = "wrote " + codec + " instead of " + options.codecs().get(0) + " (" + String.join("; ", failures) + ")";
                LOG.warn("{}: {}", options.out(), fallback);
            }
            width = size[0];
            height = size[1];
            fps = rate;
        }

        void finish() {
            try {
                recorder.stop();
            } catch (FrameRecorder.Exception e) {
                throw new VideoException("finishing " + file + " failed: " + Ffmpeg.reason(e), e);
            }
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (recorder != null) {
                release(recorder);
            }
            converter.close();
            scaled.close();
        }

        private void release(FFmpegFrameRecorder r) {
            try {
                r.release();
            } catch (FrameRecorder.Exception | RuntimeException e) {
                LOG.debug("releasing the recorder of {}: {}", file, e.getMessage());
            }
        }
    }
}
