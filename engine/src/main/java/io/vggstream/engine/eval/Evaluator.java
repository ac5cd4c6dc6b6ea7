package io.vggstream.engine.eval;

import io.vggstream.engine.model.Model;
import io.vggstream.engine.protocol.Protocol;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@code evaluate} job: every model under every protocol on the labelled images, one engine per
 * model and protocol ({@link Evaluation#run}), then the models' ensemble per protocol; the table
 * shaped like the paper's Tables 3 to 6. No picocli: the command in cli reads the dataset (the
 * engine does not import the trainer's readers) and prints the result.
 */
public final class Evaluator {

    private Evaluator() {
    }

    /**
     * @param progress where the run says what it evaluates and how far it is (every tenth of the images)
     * @throws IllegalArgumentException when a protocol does not fit a model (checked before any engine starts)
     */
    public static EvaluateResult run(EvaluateOptions options, PrintWriter progress) throws Exception {
        List<Model> models = options.base().models().stream().map(Model::load).toList();
        // Every protocol must fit every model before hours of evaluation start.
        for (Protocol protocol : options.protocols()) {
            models.forEach(m -> protocol.scalesFor(m.card()));
        }
        Evaluation.Samples samples = options.samples();
        List<Evaluation.Row> rows = new ArrayList<>();
        for (Protocol protocol : options.protocols()) {
            List<Evaluation.Run> runs = new ArrayList<>();
            for (Path model : options.base().models()) {
                AtomicInteger done = new AtomicInteger();
                int tick = Math.max(1, samples.size() / 10);
                progress.printf("evaluating %s with %s on %d images of %s%n", model.getFileName(), protocol, samples.size(), samples.name());
                progress.flush();
                Evaluation.Run run = Evaluation.run(options.config(), options.base(), model, protocol, samples, i -> {
                    int d = done.incrementAndGet();
                    if (d % tick == 0) {
                        progress.printf("  %d/%d%n", d, samples.size());
                        progress.flush();
                    }
                });
                runs.add(run);
                rows.add(Evaluation.row(run, samples));
            }
            if (runs.size() > 1) {
                rows.add(Evaluation.ensemble(runs, samples));
            }
        }
        String md = Evaluation.markdown(samples.name(), rows);
        return new EvaluateResult(rows, md, write(options, rows, md));
    }

    private static List<Path> write(EvaluateOptions options, List<Evaluation.Row> rows, String md) throws IOException {
        if (options.out().isEmpty()) {
            return List.of();
        }
        Path out = Files.createDirectories(options.out().get());
        Path mdFile = Files.writeString(out.resolve("evaluation.md"), md);
        Path csvFile = Files.writeString(out.resolve("evaluation.csv"), Evaluation.csv(rows));
        return List.of(mdFile, csvFile);
    }
}
