package io.vggstream.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.vggstream.broker.junit.KafkaBrokerExtension;
import io.vggstream.broker.junit.LocalKafka;
import io.vggstream.engine.runtime.Engine;
import io.vggstream.engine.settings.EngineSettings;
import io.vggstream.engine.settings.InferenceSettings;
import io.vggstream.engine.runtime.StreamingEngine;
import io.vggstream.engine.infer.Device;
import io.vggstream.engine.testing.Frames;
import io.vggstream.engine.testing.TestModels;
import io.vggstream.topics.KafkaLimits;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import io.vggstream.topics.admin.TopicAdmin;
import io.vggstream.topics.deadletter.DeadLetter;
import io.vggstream.topics.deadletter.DeadLetterDeserializer;
import io.vggstream.topics.deadletter.ErrorKind;
import io.vggstream.topics.prediction.Prediction;
import io.vggstream.topics.prediction.PredictionDeserializer;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input never stops the stream: a corpus of broken and unusual frames, each between two good
 * ones, is answered one for one: dead letters with the right kind for the broken, predictions for
 * the unusual but usable, and every good frame predicted.
 */
@ExtendWith(KafkaBrokerExtension.class)
class BadInputCorpusIT {

    private static final Config CONFIG = ConfigFactory.load();
    private static final int MAX_FRAME = 256 * 1024;

    @TempDir
    Path dir;

    /** One input record and what must come of it: a dead-letter kind, or null for a prediction. */
    record Case(String name, byte[] key, byte[] value, Map<String, byte[]> headers, ErrorKind expected) {
    }

    private static Map<String, byte[]> headers(String... kv) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1] == null ? null : kv[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return m;
    }

    private static Case bad(String name, byte[] value, ErrorKind kind) {
        return new Case(name, utf8("cam"), value, headers("seq", "1", "ts", now()), kind);
    }

    private static Case odd(String name, byte[] value) {
        return new Case(name, utf8("cam"), value, headers("seq", "1", "ts", now()), null);
    }

    static List<Case> corpus() throws Exception {
        byte[] jpeg = Frames.jpeg(64, 48, 1);
        byte[] png = Frames.png(64, 48, 2);
        List<Case> c = new ArrayList<>();
        // The record itself.
        c.add(new Case("no key", null, jpeg, headers("seq", "1", "ts", now()), ErrorKind.NO_KEY));
        c.add(new Case("blank key", utf8("  "), jpeg, headers("seq", "1", "ts", now()), ErrorKind.BAD_KEY));
        c.add(new Case("key not UTF-8", new byte[] {(byte) 0xc3, (byte) 0x28}, jpeg, headers("seq", "1", "ts", now()), ErrorKind.BAD_KEY));
        c.add(new Case("key of 300 bytes", utf8("k".repeat(300)), jpeg, headers("seq", "1", "ts", now()), ErrorKind.BAD_KEY));
        c.add(new Case("null value", utf8("cam"), null, headers("seq", "1", "ts", now()), ErrorKind.EMPTY));
        c.add(bad("zero-length value", new byte[0], ErrorKind.EMPTY));
        byte[] huge = new byte[MAX_FRAME + 1000];
        new Random(1).nextBytes(huge);
        c.add(bad("oversize value", huge, ErrorKind.TOO_LARGE));
        // Headers.
        c.add(new Case("missing seq", utf8("cam"), jpeg, headers("ts", now()), ErrorKind.BAD_HEADER));
        c.add(new Case("missing ts", utf8("cam"), jpeg, headers("seq", "1"), ErrorKind.BAD_HEADER));
        c.add(new Case("garbled seq", utf8("cam"), jpeg, headers("seq", "1e3", "ts", now()), ErrorKind.BAD_HEADER));
        c.add(new Case("negative ts", utf8("cam"), jpeg, headers("seq", "1", "ts", "-5"), ErrorKind.BAD_HEADER));
        c.add(new Case("seq not UTF-8", utf8("cam"), jpeg, Map.of("seq", new byte[] {(byte) 0xff}, "ts", utf8(now())), ErrorKind.BAD_HEADER));
        c.add(new Case("null seq header", utf8("cam"), jpeg, headers("seq", null, "ts", now()), ErrorKind.BAD_HEADER));
        c.add(new Case("empty label", utf8("cam"), jpeg, headers("seq", "1", "ts", now(), "label", ""), ErrorKind.BAD_HEADER));
        c.add(new Case("text content-type", utf8("cam"), jpeg, headers("seq", "1", "ts", now(), "content-type", "text/plain"),
            ErrorKind.BAD_HEADER));
        // The bytes.
        byte[] random = new byte[5000];
        new Random(2).nextBytes(random);
        c.add(bad("random bytes", random, ErrorKind.DECODE));
        c.add(bad("plain text", utf8("hello, this is not an image"), ErrorKind.DECODE));
        c.add(bad("JSON", utf8("{\"image\": \"base64...\"}"), ErrorKind.DECODE));
        c.add(bad("JPEG cut after 100 bytes", Arrays.copyOf(jpeg, 100), ErrorKind.DECODE));
        c.add(bad("JPEG cut in half", Arrays.copyOf(jpeg, jpeg.length / 2), ErrorKind.DECODE));
        c.add(bad("PNG cut in half", Arrays.copyOf(png, png.length / 2), ErrorKind.DECODE));
        byte[] flipped = png.clone();
        flipped[png.length / 2] ^= 0x55;
        c.add(bad("PNG with a corrupted byte", flipped, ErrorKind.DECODE));
        c.add(bad("JPEG header declaring 30000x30000", sof(jpeg, 30000, 30000), ErrorKind.TOO_MANY_PIXELS));
        c.add(bad("PNG header declaring 30000x30000", ihdr(png, 30000, 30000), ErrorKind.TOO_MANY_PIXELS));
        c.add(bad("WebP header declaring 16384x16384", webpCanvas(16384, 16384), ErrorKind.TOO_MANY_PIXELS));
        c.add(bad("1x1 PNG", Frames.png(1, 1, 3), ErrorKind.TOO_SMALL));
        c.add(bad("4x300 PNG", Frames.png(4, 300, 3), ErrorKind.TOO_SMALL));
        // Unusual but usable: predicted.
        c.add(odd("16-bit grey PNG", sixteenBitPng()));
        c.add(odd("grey JPEG", grey()));
        c.add(odd("CMYK JPEG", cmykJpeg()));
        c.add(odd("PNG with alpha", alphaPng()));
        c.add(odd("BMP", Frames.encode(Frames.image(40, 30, 4), "bmp")));
        c.add(odd("WebP", opencv(".webp")));
        c.add(odd("28x28 (under the crop: scaled up)", Frames.png(28, 28, 6)));
        c.addAll(unboundedInputs());
        return c;
    }

    /**
     * Inputs whose cost the header alone must bound (issue 16, items 1 and 5): extreme aspect ratios,
     * which a short side rescaled to Q makes enormous, and formats outside the allow-list, whose size
     * the probe cannot read, refused before OpenCV sees them.
     */
    static List<Case> unboundedInputs() throws Exception {
        List<Case> c = new ArrayList<>();
        c.add(bad("65,496x8 JPEG (2,095,872x256 at Q 256)", wideJpeg(), ErrorKind.ASPECT_RATIO));
        c.add(bad("1,000,000x8 PNG", widePng(1_000_000, 8), ErrorKind.ASPECT_RATIO));
        c.add(bad("PNM header declaring 100000x100000", "P6\n100000 100000\n255\n".getBytes(StandardCharsets.US_ASCII), ErrorKind.FORMAT));
        c.add(bad("GIF (not an accepted format)", Frames.encode(Frames.image(40, 30, 5), "gif"), ErrorKind.FORMAT));
        c.add(bad("TIFF (not an accepted format)", opencv(".tiff"), ErrorKind.FORMAT));
        return c;
    }

    /** A 65,496 x 8 JPEG (JPEG's sides stop at 65,535; libjpeg's at 65,500), a few KB, written by OpenCV. */
    static byte[] wideJpeg() {
        try (Mat m = new Mat(8, 65_496, opencv_core.CV_8UC3, new Scalar(40, 90, 200, 0)); BytePointer out = new BytePointer()) {
            if (!opencv_imgcodecs.imencode(".jpg", m, out)) {
                throw new IllegalStateException("OpenCV could not write a 65,496-pixel-wide JPEG");
            }
            byte[] b = new byte[(int) out.limit()];
            out.get(b);
            return b;
        }
    }

    /**
     * A grey {@code w x h} PNG written by hand (ImageMagick refuses more than 16K wide; libpng reads up to
     * 1,000,000): signature, IHDR, one zlib-compressed IDAT of filter-0 rows, IEND, each chunk with its CRC.
     */
    static byte[] widePng(int w, int h) throws Exception {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a});
        java.nio.ByteBuffer ihdr = java.nio.ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 0).put((byte) 0)
            .put((byte) 0).put((byte) 0);
        chunk(png, "IHDR", ihdr.array());
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        try (java.util.zip.DeflaterOutputStream z = new java.util.zip.DeflaterOutputStream(idat,
            new java.util.zip.Deflater(java.util.zip.Deflater.BEST_COMPRESSION))) {
            byte[] row = new byte[1 + w];
            for (int y = 0; y < h; y++) {
                java.util.Arrays.fill(row, 1, row.length, (byte) (40 + 20 * y));
                z.write(row);
            }
        }
        chunk(png, "IDAT", idat.toByteArray());
        chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws java.io.IOException {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.write(java.nio.ByteBuffer.allocate(4).putInt(data.length).array());
        out.write(t);
        out.write(data);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(t);
        crc.update(data);
        out.write(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** At the small test crop (32, S 37) and the paper's (224, S 256): Q, and so what a rescale costs, differ. */
    @ParameterizedTest(name = "crop {0}")
    @ValueSource(ints = {32, 224})
    void shouldAnswerEveryBadFrameWithItsReasonAndPredictEveryGoodOne(int crop, LocalKafka kafka) throws Exception {
        List<Case> corpus = corpus();
        KafkaSettings k = new KafkaSettings(kafka.bootstrapServers(), Map.of());
        TopicsSettings defaults = TopicsSettings.from(CONFIG);
        TopicsSettings topics = new TopicsSettings(defaults.frames().withName(kafka.uniqueName("frames")),
            defaults.predictions().withName(kafka.uniqueName("predictions")), defaults.deadLetter().withName(kafka.uniqueName("dlq")),
            (short) 1, MAX_FRAME, 64 * 1024);
        try (TopicAdmin admin = TopicAdmin.create(k, topics)) {
            admin.ensure();
        }
        // Good frames on their own stream between the bad ones, all to partition 0 so offsets tell the order.
        int good = 0;
        Map<Long, Case> byOffset = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(KafkaLimits.producer(k, topics), new ByteArraySerializer(),
            new ByteArraySerializer())) {
            long offset = 0;
            for (Case c : corpus) {
                p.send(new ProducerRecord<>(topics.frames().name(), 0, utf8("good"), Frames.jpeg(48, 40, good),
                    List.of(header("seq", Integer.toString(good)), header("ts", now())))).get();
                good++;
                offset++;
                List<org.apache.kafka.common.header.Header> hs = new ArrayList<>();
                c.headers().forEach((n, v) -> hs.add(new org.apache.kafka.common.header.internals.RecordHeader(n, v)));
                p.send(new ProducerRecord<>(topics.frames().name(), 0, c.key(), c.value(), hs)).get();
                byOffset.put(offset++, c);
            }
        }
        int bad = (int) corpus.stream().filter(c -> c.expected() != null).count();
        int odd = corpus.size() - bad;

        try (TestModels.Exported model = crop == TestModels.CROP ? TestModels.export(dir.resolve("m"))
            : TestModels.export(io.vggstream.trainer.model.VggConfig.A, 1 / 16.0, 32, 42, dir.resolve("m"),
                new io.vggstream.trainer.augment.TrainScale(256, 256), crop)) {
            run(kafka, k, topics, corpus, byOffset, model, good, bad, odd);
        }
    }

    private void run(LocalKafka kafka, KafkaSettings k, TopicsSettings topics, List<Case> corpus, Map<Long, Case> byOffset,
                     TestModels.Exported model, int good, int bad, int odd) throws Exception {
        EngineSettings settings = EngineSettings.from(CONFIG).withModels(List.of(model.dir()))
            .withInference(InferenceSettings.from(CONFIG).withDevices(List.of(Device.parse("cpu")))).withGroupId(kafka.uniqueName("g"));
        List<ConsumerRecord<String, Prediction>> predictions;
        List<ConsumerRecord<byte[], byte[]>> letters;
        try (StreamingEngine running = StreamingEngine.start(Engine.start(settings, CONFIG), k, topics)) {
            predictions = StreamingIT.consume(kafka, topics.predictions().name(), new StringDeserializer(), new PredictionDeserializer(),
                good + odd);
            // Raw bytes: Kafka skips the value deserializer for a null value (the dead tombstone), so read headers directly.
            letters = StreamingIT.consume(kafka, topics.deadLetter().name(), new ByteArrayDeserializer(), new ByteArrayDeserializer(), bad);
        }

        assertThat(predictions.stream().filter(r -> r.key().equals("good"))).as("every good frame predicted once").hasSize(good);
        List<String> predictedOdd = predictions.stream().filter(r -> !r.key().equals("good"))
            .map(r -> byOffset.get(r.value().source().offset()).name()).toList();
        assertThat(predictedOdd).containsExactlyInAnyOrderElementsOf(
            corpus.stream().filter(c -> c.expected() == null).map(Case::name).toList());
        assertThat(letters).hasSize(bad);
        for (ConsumerRecord<byte[], byte[]> r : letters) {
            DeadLetter letter = new DeadLetterDeserializer().deserialize(r.topic(), r.headers(), r.value());
            Case c = byOffset.get(letter.sourceOffset());
            assertThat(c).as("dead letter for offset %d", letter.sourceOffset()).isNotNull();
            assertThat(letter.kind()).as(c.name()).isEqualTo(c.expected());
            assertThat(letter.error()).as(c.name()).isNotBlank();
            assertThat(r.key()).as(c.name() + ": key as received").isEqualTo(c.key());
            assertThat(letter.value()).as(c.name() + ": value as received").isEqualTo(c.value());
        }
        System.out.printf("bad-input corpus at crop %d: %d kinds (%d broken, %d unusual but usable), %d good frames around them;"
            + " %d predictions, %d dead letters%n", model.card().crop(), corpus.size(), bad, odd, good, predictions.size(), letters.size());
    }

    private static org.apache.kafka.common.header.Header header(String k, String v) {
        return new org.apache.kafka.common.header.internals.RecordHeader(k, utf8(v));
    }

    private static byte[] sof(byte[] jpeg, int w, int h) {
        byte[] b = jpeg.clone();
        for (int i = 0; i < b.length - 8; i++) {
            if ((b[i] & 0xff) == 0xff && (b[i + 1] & 0xff) == 0xc0) {
                b[i + 5] = (byte) (h >> 8);
                b[i + 6] = (byte) h;
                b[i + 7] = (byte) (w >> 8);
                b[i + 8] = (byte) w;
                return b;
            }
        }
        throw new IllegalStateException("no SOF0 marker");
    }

    private static byte[] ihdr(byte[] png, int w, int h) {
        byte[] b = png.clone();
        b[16] = (byte) (w >> 24);
        b[17] = (byte) (w >> 16);
        b[18] = (byte) (w >> 8);
        b[19] = (byte) w;
        b[20] = (byte) (h >> 24);
        b[21] = (byte) (h >> 16);
        b[22] = (byte) (h >> 8);
        b[23] = (byte) h;
        return b;
    }

    private static byte[] webpCanvas(int w, int h) {
        byte[] b = new byte[64];
        System.arraycopy(utf8("RIFF"), 0, b, 0, 4);
        System.arraycopy(utf8("WEBPVP8X"), 0, b, 8, 8);
        b[24] = (byte) (w - 1);
        b[25] = (byte) ((w - 1) >> 8);
        b[26] = (byte) ((w - 1) >> 16);
        b[27] = (byte) (h - 1);
        b[28] = (byte) ((h - 1) >> 8);
        b[29] = (byte) ((h - 1) >> 16);
        return b;
    }

    private static byte[] sixteenBitPng() throws Exception {
        BufferedImage img = new BufferedImage(40, 30, BufferedImage.TYPE_USHORT_GRAY);
        WritableRaster r = img.getRaster();
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 40; x++) {
                r.setSample(x, y, 0, (x * 1600 + y * 900) & 0xffff);
            }
        }
        return Frames.encode(img, "png");
    }

    private static byte[] grey() {
        BufferedImage src = Frames.image(40, 30, 7);
        BufferedImage g = new BufferedImage(40, 30, BufferedImage.TYPE_BYTE_GRAY);
        g.getGraphics().drawImage(src, 0, 0, null);
        return Frames.encode(g, "jpg");
    }

    private static byte[] alphaPng() {
        BufferedImage img = new BufferedImage(40, 30, BufferedImage.TYPE_INT_ARGB);
        img.getGraphics().drawImage(Frames.image(40, 30, 8), 0, 0, null);
        img.setRGB(0, 0, 0x00ffffff);
        return Frames.encode(img, "png");
    }

    /** A four-channel (CMYK) JPEG, written through OpenCV-independent ImageIO raster APIs. */
    private static byte[] cmykJpeg() throws Exception {
        // ImageIO cannot write CMYK JPEG; libjpeg (through OpenCV) writes what it is given, and
        // OpenCV encodes 4-channel Mats as CMYK JPEG.
        try (Mat m = new Mat(30, 40, opencv_core.CV_8UC4, new Scalar(30, 120, 200, 10)); BytePointer out = new BytePointer()) {
            if (!opencv_imgcodecs.imencode(".jpg", m, out)) {
                throw new IllegalStateException("OpenCV could not write a 4-channel JPEG");
            }
            byte[] b = new byte[(int) out.limit()];
            out.get(b);
            return b;
        }
    }

    private static byte[] opencv(String ext) {
        try (Mat m = new Mat(30, 40, opencv_core.CV_8UC3, new Scalar(10, 200, 30, 0)); BytePointer out = new BytePointer()) {
            if (!opencv_imgcodecs.imencode(ext, m, out)) {
                throw new IllegalStateException("OpenCV could not write " + ext);
            }
            byte[] b = new byte[(int) out.limit()];
            out.get(b);
            return b;
        }
    }

    private static String now() {
        return Long.toString(System.currentTimeMillis());
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
