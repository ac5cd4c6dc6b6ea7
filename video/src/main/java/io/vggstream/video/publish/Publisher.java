package io.vggstream.video.publish;

import io.vggstream.topics.KafkaLimits;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import io.vggstream.topics.frame.Frame;
import io.vggstream.topics.frame.FrameRecords;
import io.vggstream.topics.frame.FrameSerializer;
import io.vggstream.video.Ffmpeg;
import io.vggstream.video.TopicCheck;
import io.vggstream.video.VideoException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code publish}: reads a video file, a folder of images, a network stream or a camera and
 * produces its frames to the frames topic as the contract says (key: stream id; value: JPEG;
 * headers {@code seq} from 0, {@code ts}, {@code label} when known, {@code content-type}).
 *
 * <p>Pacing: a file at its own frame timestamps, a folder at {@code folder-fps}, either at
 * {@code --fps} when given; live sources pace themselves ({@code --fps} then caps their rate);
 * {@code --as-fast-as-possible} sends without waiting. A live source that drops is reopened with
 * backoff. A source that breaks midway ends the run with what was sent and says why in
 * {@link PublishResult#problem()}.
 *
 * <pre>{@code
 * PublishResult r = new Publisher(PublishOptions.of(Source.parse("clip.mp4")).withLimit(100), kafka, topics).run();
 * }</pre>
 */
public final class Publisher {

    private static final Logger LOG = LoggerFactory.getLogger(Publisher.class);

    /** A pass under this share of the announced length is reported as cut short (estimated lengths are approximate). */
    private static final double SHORT_PASS = 0.9;

    private final PublishOptions options;
    private final KafkaSettings kafka;
    private final TopicsSettings topics;
    private final Function<Source, FrameSource> opener;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private PrintStream progressOut;

    public Publisher(PublishOptions options, KafkaSettings kafka, TopicsSettings topics) {
        this(options, kafka, topics, null);
    }

    /** With another way to open the source (tests: a source that drops on cue). */
    Publisher(PublishOptions options, KafkaSettings kafka, TopicsSettings topics, Function<Source, FrameSource> opener) {
        this.options = options;
        this.kafka = kafka;
        this.topics = topics;
        this.opener = opener != null ? opener : this::openSource;
    }

    /** Draws a progress bar on {@code err} (the caller checks that it is a terminal). */
    public Publisher progressTo(PrintStream err) {
        this.progressOut = err;
        return this;
    }

    /** Asks a running {@link #run()} to stop after the frame in hand; it then flushes and returns. Any thread. */
    public void stop() {
        stopRequested.countDown();
    }

    /**
     * Publishes until the source ends, {@code limit} frames were sent, {@link #stop()} is called,
     * or something fails.
     *
     * @throws VideoException when the source or the labels file cannot be opened, or the topic does not exist or the
     *     broker does not answer (nothing is sent)
     */
    public PublishResult run() {
        Ffmpeg.logLevel(options.ffmpegLogLevel());
        LabelsCsv labels = options.labels().map(LabelsCsv::read).orElse(LabelsCsv.none());
        String topic = options.topic().orElse(topics.frames().name());
        Run run = new Run(opener.apply(options.source()), labels, topic);
        try {
            TopicCheck.awaitWritable(kafka, topic, options.sendTimeout());
            return run.publish();
        } finally {
            run.source.close();
        }
    }

    private FrameSource openSource(Source s) {
        if (s instanceof Source.ImageFolder f) {
            return ImageFolderSource.open(f.path());
        }
        return GrabberSource.open(s, options.networkTimeout(), options.ffmpegOptions());
    }

    private KafkaProducer<String, Frame> producer() {
        Map<String, Object> props = KafkaLimits.producer(kafka, topics);
        // A broker that is away makes send() block this long on metadata, then fail: a bounded, clear error.
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, options.sendTimeout().toMillis());
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "vggstream-publish-" + options.stream());
        // Frames go out as they are captured: kafka-clients 4 would wait 5 ms (linger.ms) for a batch to fill.
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
        return new KafkaProducer<>(props, new StringSerializer(), new FrameSerializer(topics.maxFrameBytes()));
    }

    /** Sleeps, unless a stop comes first. True when stopped. */
    private boolean sleepOrStop(long nanos) {
        try {
            return stopRequested.await(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private boolean stopped() {
        return stopRequested.getCount() == 0 || Thread.currentThread().isInterrupted();
    }

    /** One run's state. */
    private final class Run {
        FrameSource source;
        final LabelsCsv labels;
        final String topic;
        final AtomicLong acked = new AtomicLong();
        final AtomicLong ackedBytes = new AtomicLong();
        final AtomicReference<Exception> sendError = new AtomicReference<>();
        String problem;
        int reconnects;

        Run(FrameSource source, LabelsCsv labels, String topic) {
            this.source = source;
            this.labels = labels;
            this.topic = topic;
        }

        PublishResult publish() {
            boolean live = source.live();
            if (options.loop() && live) {
                LOG.warn("--loop ignored: {} is a live stream", options.source().text());
            }
            Pacer pacer = options.asFastAsPossible() || live ? Pacer.none()
                : options.fps().isPresent() ? Pacer.fixed(options.fps().getAsDouble())
                : options.source() instanceof Source.ImageFolder ? Pacer.fixed(options.folderFps())
                : Pacer.media();
            RateLimit cap = live && options.fps().isPresent() ? new RateLimit(options.fps().getAsDouble()) : null;
            Timeline timeline = new Timeline(source.frameRate().orElse(25));
            Backoff backoff = new Backoff(options.reconnectInitialBackoff(), options.reconnectMaxBackoff());
            ProgressBar bar = progressOut == null ? null : new ProgressBar(progressOut, options.progressInterval().toNanos());

            long sent = 0;
            long sentBytes = 0;
            long passFrames = 0;
            long startNanos = 0;
            long startEpochMs = 0;
            boolean started = false;
            try (JpegEncoder encoder = new JpegEncoder(options.quality(), options.resize());
                 KafkaProducer<String, Frame> producer = producer()) {
                while (!stopped() && sendError.get() == null && (options.limit().isEmpty() || sent < options.limit().getAsLong())) {
                    FrameSource.Captured c;
                    String readFailure = null;
                    try {
                        c = source.next();
                    } catch (SourceReadException e) {
                        if (!source.live()) {
                            problem = e.getMessage();
                            break;
                        }
                        c = null;
                        readFailure = e.getMessage();
                    }
                    if (c == null) {
                        if (source.live()) {
                            if (!reconnect(backoff, sent, readFailure)) {
                                break;
                            }
                            continue;
                        }
                        noteShortPass(passFrames);
                        if (options.loop() && passFrames > 0) {
                            source.restart();
                            timeline.loop();
                            passFrames = 0;
                            continue;
                        }
                        break;
                    }
                    passFrames++;
                    long readNanos = System.nanoTime();
                    long readMs = System.currentTimeMillis();
                    if (!started) {
                        started = true;
                        startNanos = readNanos;
                        startEpochMs = readMs;
                    }
                    if (cap != null && !cap.admit(readNanos)) {
                        continue;
                    }
                    long due = pacer.dueMicros(sent, pacer.mode() == Pacer.Mode.MEDIA ? timeline.next(c.timestampMicros()) : 0);
                    byte[] jpeg = encoder.encode(c.image());
                    if (pacer.paced() && sleepOrStop(Pacer.waitNanos(startNanos, due, System.nanoTime()))) {
                        break;
                    }
                    FrameSource.Captured captured = c;
                    Optional<String> label = captured.label().or(() -> labels.label(captured.index()));
                    Frame frame = new Frame(sent, pacer.timestampMillis(startEpochMs, due, readMs), label, Optional.of("image/jpeg"), jpeg);
                    if (!send(producer, frame)) {
                        break;
                    }
                    sent++;
                    sentBytes += jpeg.length;
                    if (bar != null) {
                        long now = System.nanoTime();
                        bar.update(sent, options.loop() ? options.limit() : limitOr(source.length()), sentBytes, now - startNanos, now);
                    }
                }
                try {
                    producer.flush();
                } catch (KafkaException e) {
                    sendError.compareAndSet(null, e);
                }
            } finally {
                if (bar != null) {
                    bar.finish();
                }
            }
            double seconds = started ? (System.nanoTime() - startNanos) / 1e9 : 0;
            Exception err = sendError.get();
            if (err != null && problem == null) {
                problem = "Kafka did not take frame " + acked.get() + " for topic " + topic + " at " + kafka.bootstrapServers() + ": "
                    + err.getMessage() + " (is the broker up and the topic created? ./vggstream kafka start && ./vggstream topics create)";
            }
            if (acked.get() == 0 && problem == null && !stopped()) {
                problem = options.source().text() + " gave no frames";
            }
            return new PublishResult(options.stream(), topic, acked.get(), ackedBytes.get(), seconds, source.skipped(), reconnects,
                Optional.ofNullable(problem));
        }

        /**
         * A file that ends well before the length its header announced was cut short or is
         * damaged; FFmpeg just stops reading it. Say so (once), keeping what was published.
         */
        private void noteShortPass(long passFrames) {
            java.util.OptionalLong length = source.length();
            if (problem == null && !(options.source() instanceof Source.ImageFolder) && length.isPresent()
                && passFrames < SHORT_PASS * length.getAsLong()) {
                problem = options.source().text() + " ended after " + passFrames + " frames where its header announced about "
                    + length.getAsLong() + " (cut short or damaged?); published what was read";
            }
        }

        private java.util.OptionalLong limitOr(java.util.OptionalLong length) {
            if (options.limit().isPresent() && (length.isEmpty() || options.limit().getAsLong() < length.getAsLong())) {
                return options.limit();
            }
            return length;
        }

        /** Sends one frame; false when the producer refused it (the reason is kept). */
        private boolean send(KafkaProducer<String, Frame> producer, Frame frame) {
            try {
                int size = frame.image().length;
                producer.send(FrameRecords.record(topic, options.stream(), frame), (md, e) -> {
                    if (e != null) {
                        sendError.compareAndSet(null, e);
                    } else {
                        acked.incrementAndGet();
                        ackedBytes.addAndGet(size);
                    }
                });
                return sendError.get() == null;
            } catch (KafkaException e) {
                // The serializer refuses what a consumer would refuse, e.g. a frame over max-frame-bytes.
                problem = "frame " + frame.seq() + " was refused: " + e.getMessage()
                    + " (a smaller --max-side or --quality makes smaller frames)";
                return false;
            }
        }

        /** Reopens a dropped live source with backoff; false when it did not come back (or a stop came). */
        private boolean reconnect(Backoff backoff, long sent, String why) {
            String reason = why != null ? why : "the stream ended";
            for (int attempt = 1; attempt <= options.reconnectAttempts(); attempt++) {
                Duration wait = backoff.delay(attempt);
                LOG.warn("{} dropped after {} frames ({}); reopening in {} ms (attempt {} of {})", options.source().text(), sent,
                    reason, wait.toMillis(), attempt, options.reconnectAttempts());
                if (sleepOrStop(wait.toNanos())) {
                    return false;
                }
                source.close();
                try {
                    source = opener.apply(options.source());
                    reconnects++;
                    LOG.info("{} is back", options.source().text());
                    return true;
                } catch (VideoException e) {
                    reason = e.getMessage();
                    source = new Closed(source);
                }
            }
            problem = options.source().text() + " dropped after " + sent + " frames and did not come back after "
                + options.reconnectAttempts() + " attempts: " + reason;
            return false;
        }
    }

    /** A source that failed to reopen: nothing to read, nothing to close, but what it knew. */
    private static final class Closed implements FrameSource {
        private final long skipped;

        Closed(FrameSource was) {
            this.skipped = was.skipped();
        }

        @Override
        public Captured next() {
            return null;
        }

        @Override
        public void restart() {
        }

        @Override
        public boolean live() {
            return true;
        }

        @Override
        public java.util.OptionalDouble frameRate() {
            return java.util.OptionalDouble.empty();
        }

        @Override
        public java.util.OptionalLong length() {
            return java.util.OptionalLong.empty();
        }

        @Override
        public long skipped() {
            return skipped;
        }

        @Override
        public void close() {
        }
    }
}
