package io.vggstream.benchmarks.jmh;

import io.vggstream.engine.infer.Batcher;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The inference worker's batching logic per request: inputs of three shapes (multi-scale) join their
 * queue until it is full; every third round the oldest queue closes on its max-delay instead.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BatcherBenchmark {

    private static final int REQUESTS = 96;

    private record Shape(int h, int w) {
    }

    private static final Shape[] SHAPES = {new Shape(224, 299), new Shape(256, 341), new Shape(288, 384)};

    @Param({"1", "8", "32"})
    public int maxBatchSize;

    private Batcher<Shape, Object> batcher;
    private final Object request = new Object();

    @Setup
    public void setUp() {
        batcher = new Batcher<>(maxBatchSize);
    }

    @Benchmark
    @OperationsPerInvocation(REQUESTS)
    public void addAndClose(Blackhole bh) {
        for (int i = 0; i < REQUESTS; i++) {
            Shape s = SHAPES[i % SHAPES.length];
            Batcher.Added<Object> added = batcher.add(s, request);
            if (added instanceof Batcher.Added.Full<Object> full) {
                bh.consume(full.batch());
            } else if (i % (3 * SHAPES.length) == 0) {
                batcher.flush(s).ifPresent(bh::consume);
            }
        }
        batcher.drain().forEach(bh::consume);
    }
}
