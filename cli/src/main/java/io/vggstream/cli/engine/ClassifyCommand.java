package io.vggstream.cli.engine;

import io.vggstream.engine.runtime.Engine;
import io.vggstream.engine.api.Classification;
import io.vggstream.engine.fusion.Fusion;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code vggstream classify IMAGE...}: the engine's answer for images on disk, no Kafka. */
@Command(name = "classify", mixinStandardHelpOptions = true,
    description = "Classify image files with the chosen protocol and print the top classes of each (no Kafka).")
public final class ClassifyCommand implements Callable<Integer> {

    @Mixin
    EngineOptions options = new EngineOptions();

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "JPEG, PNG, BMP or WebP files.")
    List<Path> images;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int failures = 0;
        try (Engine engine = Engine.start(options.settings(), options.config())) {
            List<String> classes = engine.classes();
            out.printf("%s, protocol %s (Q %s)%n", String.join(" + ", engine.models().stream().map(m -> m.name()).toList()),
                engine.protocol(), engine.scales());
            for (Path image : images) {
                byte[] bytes;
                try {
                    bytes = Files.readAllBytes(image);
                } catch (IOException e) {
                    err.printf("%s: cannot read: %s%n", image, e.getMessage());
                    failures++;
                    continue;
                }
                Classification o = engine.classify(bytes).toCompletableFuture().get(5, TimeUnit.MINUTES);
                if (o instanceof Classification.Ok c) {
                    out.printf("%s%s%n", image, c.partial() ? " (partial)" : "");
                    for (Fusion.Ranked r : c.top()) {
                        out.printf(Locale.ROOT, "  %6.2f%%  %s (%d)%n", 100 * r.p(), classes.get(r.index()), r.index());
                    }
                } else {
                    Classification.NotClassified f = (Classification.NotClassified) o;
                    err.printf("%s: %s (%s)%n", image, f.reason(), f.kind().code());
                    failures++;
                }
            }
        }
        return failures == 0 ? 0 : 1;
    }
}
