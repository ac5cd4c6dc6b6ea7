package io.vggstream.cli.demo;

import com.typesafe.config.Config;
import io.vggstream.broker.KraftBroker;
import io.vggstream.engine.runtime.Engine;
import io.vggstream.engine.settings.EngineSettings;
import io.vggstream.engine.runtime.StreamingEngine;
import io.vggstream.engine.protocol.Protocol;
import io.vggstream.topics.KafkaSettings;
import io.vggstream.topics.TopicsSettings;
import io.vggstream.topics.admin.TopicAdmin;
import io.vggstream.topics.card.ModelCard;
import io.vggstream.topics.config.StrictConfig;
import io.vggstream.trainer.data.FashionMnist;
import io.vggstream.video.annotate.AnnotateOptions;
import io.vggstream.video.annotate.AnnotateResult;
import io.vggstream.video.annotate.Annotator;
import io.vggstream.video.publish.PublishOptions;
import io.vggstream.video.publish.PublishResult;
import io.vggstream.video.publish.Publisher;
import io.vggstream.video.publish.Source;
import io.vggstream.video.watch.WatchOptions;
import io.vggstream.video.watch.WatchSummary;
import io.vggstream.video.watch.Watcher;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vggstream demo}: everything on the embedded default, with one command. A private KRaft
 * broker in this JVM, the default small model (trained once on Fashion-MNIST and cached), a
 * sample video of Fashion-MNIST test images with their true labels, the engine, the publisher
 * and the live view; then a summary, an annotated video, and nothing left running.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Run the whole pipeline on its own private Kafka broker and default model, then stop everything.",
        "The default model is trained once on Fashion-MNIST and cached; a sample video of labelled test images goes through",
        "the engine and the live view, then a summary (frames, accuracy, frames/s, latency) and an annotated video."})
public final class DemoCommand implements Callable<Integer> {

    /** The default small recipe (trainer/README.md): a quarter-width VGG-A on Fashion-MNIST, about 10 minutes on 2 cores. */
    static final List<String> RECIPE = List.of("--data", "fashion-mnist", "--arch", "A", "--width", "0.25", "--fc", "256",
        "--crop", "32", "--scale", "32", "--epochs", "10", "--batch-size", "64", "--init", "glorot", "--patience", "1",
        "--min-improvement", "0.005");

    /** The reduced form CI runs: the same recipe for two epochs (86-87% held-out top-1 where it was measured). */
    static final List<String> QUICK_RECIPE = quick(RECIPE);

    static final String DEFAULT_MODEL = "fmnist-a";
    static final String QUICK_MODEL = "fmnist-a-quick";
    static final double QUICK_MIN_ACCURACY = 80;

    @Option(names = "--quick", description = {"The reduced form (CI runs it): the default recipe for 2 epochs instead of 10, cached apart",
        "as " + QUICK_MODEL + ", a 200-frame video at 25 fps, and a check that accuracy is at least " + "80%%."})
    boolean quick;

    @Option(names = "--frames", description = "Frames in the sample video (default: 200).")
    Integer frames;

    @Option(names = "--fps", description = "Its frame rate, published in real time (default: 10; 25 with --quick).")
    Double fps;

    @Option(names = "--min-accuracy", paramLabel = "PCT",
        description = "Exit 1 when the accuracy against the true labels is below PCT percent (default: none; 80 with --quick).")
    Double minAccuracy;

    @Option(names = "--models", paramLabel = "DIR",
        description = "Where the default model is cached (default: $VGGSTREAM_HOME/models, ~/.vggstream/models).")
    Path models;

    @Option(names = {"-m", "--model"}, paramLabel = "DIR", description = "Serve this model instead of the default one (no training).")
    Path model;

    @Option(names = {"-p", "--protocol"}, defaultValue = "multi-scale",
        description = "The test-time protocol (default: ${DEFAULT-VALUE}).")
    String protocol;

    @Option(names = "--data-dir", paramLabel = "DIR",
        description = "Where Fashion-MNIST's idx files are (default: /usr/share/datasets/fashion-mnist).")
    Path dataDir;

    @Option(names = "--out", paramLabel = "DIR", description = "Where the demo writes (default: $VGGSTREAM_HOME/demo, ~/.vggstream/demo).")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter say = spec.commandLine().getOut();
        int frames = this.frames != null ? this.frames : 200;
        double fps = this.fps != null ? this.fps : quick ? 25 : 10;
        Double minAccuracy = this.minAccuracy != null ? this.minAccuracy : quick ? Double.valueOf(QUICK_MIN_ACCURACY) : null;
        if (frames < 1 || !(fps > 0)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--frames and --fps must be positive");
        }
        if (minAccuracy != null && !(minAccuracy >= 0 && minAccuracy <= 100)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--min-accuracy must be a percentage in [0, 100]");
        }
        Protocol chosen = Protocol.parse(protocol);
        Path home = home();
        Path work = out != null ? out : home.resolve("demo");
        Files.createDirectories(work);
        Path data = dataDir != null ? dataDir : FashionMnist.DEBIAN_DIR;
        ensureDataset(data, say);

        Path modelDir;
        if (model != null) {
            say.printf("[1/5] serving the given model %s%n", model);
            modelDir = model;
        } else {
            Path cache = models != null ? models : home.resolve("models");
            modelDir = ensureModel(cache.resolve(quick ? QUICK_MODEL : DEFAULT_MODEL), quick ? QUICK_RECIPE : RECIPE, data, say);
        }
        ModelCard card = io.vggstream.engine.model.Model.load(modelDir).card();

        say.printf("[2/5] building a %d-frame sample video of Fashion-MNIST test images at %.0f fps%n", frames, fps);
        say.flush();
        SampleVideo.Made video = SampleVideo.write(FashionMnist.load(data, FashionMnist.Split.TEST), frames, 224, fps, 7,
            work.resolve("sample.mp4"));

        say.println("[3/5] starting a private Kafka broker and the engine");
        say.flush();
        Config config = StrictConfig.load(Optional.empty());
        KraftBroker broker = KraftBroker.start(new KraftBroker.Settings(Files.createTempDirectory(work, "kafka-"), 0, 0, true, Map.of()),
            Duration.ofSeconds(90));
        StreamingEngine engine = null;
        Thread cleanup = null;
        try {
            KafkaSettings kafka = KafkaSettings.from(config).withBootstrapServers(broker.bootstrapServers());
            TopicsSettings topics = TopicsSettings.from(config);
            try (TopicAdmin admin = TopicAdmin.create(kafka, topics)) {
                admin.ensure();
            }
            EngineSettings settings = EngineSettings.from(config).withModels(List.of(modelDir)).withProtocol(chosen)
                .withGroupId("vggstream-demo");
            engine = StreamingEngine.start(Engine.start(settings, config), kafka, topics);
            StreamingEngine running = engine;
            KraftBroker b = broker;
            // Ctrl-C: stop the engine and the broker before the JVM goes, so nothing is left behind.
            cleanup = new Thread(() -> {
                running.close();
                b.close();
            }, "demo-cleanup");
            Runtime.getRuntime().addShutdownHook(cleanup);
            say.printf("      model %s (config %s, width %s, test top-1 %s), protocol %s, %s%n", modelDir, card.config(), card.width(),
                card.accuracy() == null ? "?" : String.format(Locale.ROOT, "%.2f%%", 100 * card.accuracy().top1()), chosen,
                String.join(", ", running.engine().providers()));

            // Frames published before the engine has joined its group would wait for the join, which is start-up, not latency.
            if (!running.awaitPartitions(Duration.ofSeconds(60))) {
                spec.commandLine().getErr().println("vggstream demo: the engine did not join its consumer group within 60 s");
                return 1;
            }
            say.println("[4/5] publishing the video in real time; the live view follows");
            say.flush();
            String stream = "fashion-mnist-demo";
            PublishOptions publish = PublishOptions.of(Source.parse(video.video().toString())).withStream(stream)
                .withLabels(video.labels()).withFps(fps);
            CompletableFuture<PublishResult> published = CompletableFuture.supplyAsync(() -> new Publisher(publish, kafka, topics).run());
            WatchOptions watch = WatchOptions.defaults().withFromBeginning(true).withLimit(frames)
                .withDuration(Duration.ofSeconds((long) (frames / fps) + 300))
                .withView(System.console() != null ? WatchOptions.View.ANSI : WatchOptions.View.PLAIN);
            WatchSummary summary;
            try (Watcher watcher = Watcher.open(watch, kafka, topics)) {
                summary = watcher.run(new PrintStream(System.out, true));
            }
            PublishResult sent = published.get(5, TimeUnit.MINUTES);

            say.println("[5/5] drawing the predictions onto the frames");
            say.flush();
            AnnotateResult annotated = new Annotator(AnnotateOptions.of(stream, work.resolve("annotated.mp4")).withLimit(frames), kafka, topics).run();
            Path still = Stills.write(annotated.out(), (int) (annotated.frames() / 2), work.resolve("annotated.png"));

            say.println();
            say.println("vggstream demo: done");
            say.printf(Locale.ROOT, "  frames      %d published, %d predicted, %d dead letters%n", sent.frames(), summary.frames(),
                running.engine().metrics().deadLetters());
            say.printf(Locale.ROOT, "  accuracy    %s against the true labels (%d labelled)%n",
                summary.accuracy().isPresent() ? String.format(Locale.ROOT, "%.1f%%", 100 * summary.accuracy().getAsDouble()) : "n/a",
                summary.labelled());
            say.printf(Locale.ROOT, "  throughput  %.1f frames/s (published at %.1f)%n", summary.fps(), sent.fps());
            say.printf(Locale.ROOT, "  latency     p50 %s, p99 %s (capture to prediction)%n", ms(summary.latencyP50()), ms(summary.latencyP99()));
            say.printf("  annotated   %s (%d frames, %s), a frame of it in %s%n", annotated.out(), annotated.frames(), annotated.codec(),
                still.getFileName());
            say.printf("  model       %s%n", modelDir);
            say.printf("  video       %s, labels %s%n", video.video(), video.labels());
            say.flush();
            if (summary.frames() < frames) {
                spec.commandLine().getErr().printf("vggstream demo: only %d of %d frames were predicted%n", summary.frames(), frames);
                return 1;
            }
            if (minAccuracy != null) {
                double got = summary.accuracy().isPresent() ? 100 * summary.accuracy().getAsDouble() : -1;
                if (got < minAccuracy) {
                    spec.commandLine().getErr().printf(Locale.ROOT, "vggstream demo: accuracy %s is below --min-accuracy %.1f%%%n",
                        got < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f%%", got), minAccuracy);
                    return 1;
                }
                say.printf(Locale.ROOT, "  check       accuracy at least %.1f%%: passed%n", minAccuracy);
                say.flush();
            }
            return 0;
        } finally {
            if (cleanup != null) {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            }
            if (engine != null) {
                engine.close();
            }
            broker.close();
        }
    }

    private static List<String> quick(List<String> recipe) {
        List<String> q = new ArrayList<>(recipe);
        q.set(q.indexOf("--epochs") + 1, "2");
        return List.copyOf(q);
    }

    private static String ms(java.util.OptionalDouble v) {
        return v.isPresent() ? String.format(Locale.ROOT, "%.0f ms", v.getAsDouble()) : "n/a";
    }

    private static Path home() {
        String h = System.getenv("VGGSTREAM_HOME");
        return h != null && !h.isBlank() ? Path.of(h) : Path.of(System.getProperty("user.home"), ".vggstream");
    }

    /** Fashion-MNIST, or a try to install it with apt-get (as root), or a message saying how to get it. */
    private void ensureDataset(Path data, PrintWriter say) throws IOException, InterruptedException {
        if (FashionMnist.isFashionMnistDir(data)) {
            return;
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        if (dataDir == null && root && Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
            say.println("Fashion-MNIST is not installed; installing Debian's dataset-fashion-mnist with apt-get");
            say.flush();
            Process p = new ProcessBuilder("/usr/bin/apt-get", "install", "-y", "-q", "dataset-fashion-mnist").inheritIO().start();
            if (p.waitFor(10, TimeUnit.MINUTES) && p.exitValue() == 0 && FashionMnist.isFashionMnistDir(data)) {
                return;
            }
        }
        throw new IllegalStateException("the demo needs Fashion-MNIST, which is not in " + data + ": install it with"
            + " `sudo apt-get install dataset-fashion-mnist` (Debian), or give a folder holding its four idx files"
            + " (train/t10k images and labels, gzipped or not) with --data-dir");
    }

    /** The cached default model, or one trained now with the default recipe (once; later runs reuse it). */
    private Path ensureModel(Path dir, List<String> recipe, Path data, PrintWriter say) {
        if (Files.isRegularFile(dir.resolve("model.onnx")) && Files.isRegularFile(dir.resolve(ModelCard.FILE_NAME))) {
            say.printf("[1/5] using the cached model %s%n", dir);
            return dir;
        }
        say.printf("[1/5] no cached model: training the %s once (%s on 2 cores) into %s%n", quick ? "reduced recipe (2 epochs)" : "default recipe",
            quick ? "about 3 minutes" : "about 10-15 minutes", dir);
        say.flush();
        List<String> args = new ArrayList<>(List.of("train"));
        args.addAll(recipe);
        args.set(args.indexOf("fashion-mnist"), data.equals(FashionMnist.DEBIAN_DIR) ? "fashion-mnist" : data.toString());
        args.addAll(List.of("--out", dir.toString()));
        if (Files.isDirectory(dir.resolve("checkpoints"))) {
            // An interrupted earlier training: carry on from its last checkpoint.
            args.add("--resume");
        }
        int rc = spec.root().commandLine().execute(args.toArray(String[]::new));
        if (rc != 0 || !Files.isRegularFile(dir.resolve("model.onnx"))) {
            throw new IllegalStateException("training the default model failed (exit " + rc + "); see the messages above, then run"
                + " `vggstream demo` again (it resumes), or pass --model DIR");
        }
        return dir;
    }
}
