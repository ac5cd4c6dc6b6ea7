package io.vggstream.cli.bench;

import io.vggstream.benchmarks.jmh.JmhMain;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vggstream bench jmh}: the hot paths' JMH benchmarks with short settings. */
@Command(name = "jmh", mixinStandardHelpOptions = true,
    description = {"JMH benchmarks of the hot paths: JPEG decode and preprocessing (640x480, 1280x720), the batcher, fusion, the serdes.",
        "One fork, short iterations (about 4 minutes; --quick about 2). For JMH's own options run org.openjdk.jmh.Main on the same classpath."})
public final class JmhCommand implements Callable<Integer> {

    @Option(names = "--quick", description = "One warm-up and two measured iterations of 1 s.")
    boolean quick;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the results as CSV (default bench-results/jmh.csv).")
    Path out = Path.of("bench-results", "jmh.csv");

    @Parameters(paramLabel = "REGEX", arity = "0..*", description = "Benchmarks to run, e.g. Preprocess (default: all).")
    List<String> includes = List.of();

    @Override
    public Integer call() throws Exception {
        return JmhMain.run(includes, quick, out).isEmpty() ? 1 : 0;
    }
}
