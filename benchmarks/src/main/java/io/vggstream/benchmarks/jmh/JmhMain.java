package io.vggstream.benchmarks.jmh;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the hot-path benchmarks with short settings (one fork, 2 x 1 s warm-up, 3 x 1 s measured:
 * about 4 minutes for all of them on 2 cores; {@code --quick} halves it), results as CSV.
 *
 * <p>Usage: {@code JmhMain [--quick] [--out FILE.csv] [REGEX...]}; or {@code ./vggstream bench jmh}.
 * For JMH's own full options, run {@code java -cp ... org.openjdk.jmh.Main}.
 */
public final class JmhMain {

    private JmhMain() {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        Path out = null;
        java.util.List<String> includes = new java.util.ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--out" -> out = Path.of(args[++i]);
                default -> includes.add(args[i]);
            }
        }
        run(includes, quick, out);
    }

    /**
     * @param includes regular expressions of benchmarks to run (all of {@code io.vggstream.benchmarks.jmh} when empty)
     * @param out where the CSV goes, or null for none
     */
    public static Collection<RunResult> run(java.util.List<String> includes, boolean quick, Path out) throws RunnerException, java.io.IOException {
        ChainedOptionsBuilder opts = new OptionsBuilder()
            .forks(1)
            .warmupIterations(quick ? 1 : 2)
            .warmupTime(TimeValue.seconds(1))
            .measurementIterations(quick ? 2 : 3)
            .measurementTime(TimeValue.seconds(1))
            // natives (OpenCV, ONNX Runtime) write scratch files to the temp folder: keep the parent's.
            .jvmArgsAppend("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                "-Dorg.bytedeco.javacpp.logger=slf4j",
                // As the launcher sets it (cli's NativeMemory): no read of /proc/self/statm on every native allocation.
                "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0");
        if (includes.isEmpty()) {
            opts.include(JmhMain.class.getPackageName() + "\\..*Benchmark.*");
        } else {
            includes.forEach(opts::include);
        }
        if (out != null) {
            if (out.toAbsolutePath().getParent() != null) {
                Files.createDirectories(out.toAbsolutePath().getParent());
            }
            opts.resultFormat(ResultFormatType.CSV).result(out.toString());
        }
        return new Runner(opts.build()).run();
    }
}
