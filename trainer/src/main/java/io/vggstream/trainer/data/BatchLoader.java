package io.vggstream.trainer.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Decodes and transforms one epoch of images on loader threads, ahead of the trainer, and hands out
 * batches in order. Memory is bounded: exactly {@code buffers} batch buffers exist and a loader
 * thread waits for a free one before it claims the next batch, so the oldest batches always hold the
 * buffers and the consumer never waits on a batch that cannot be built. Every image draws from its
 * own random stream, fixed by the seed, the epoch and the image's index, so the result does not
 * depend on thread timing.
 *
 * <p>With zero threads the batches are built in the consumer's thread, inside {@link #next()}: on a
 * small CPU-only machine that beats a loader thread that preempts PyTorch's OpenMP workers.
 */
public final class BatchLoader implements Iterator<HostBatch>, AutoCloseable {

    private final LabeledImages images;
    private final int[] order;
    private final int batchSize;
    private final ImageTransform transform;
    private final long seed;
    private final int batches;
    private final BlockingQueue<ByteBuffer> free;
    private final List<CompletableFuture<HostBatch>> results;
    private final AtomicInteger nextToClaim = new AtomicInteger();
    private final List<Thread> workers = new ArrayList<>();
    private int nextToHand;
    private volatile boolean closed;

    /**
     * Starts the loader threads.
     *
     * @param images the set to read
     * @param order image indices in the order to serve them (one epoch)
     * @param batchSize images per batch; the last batch may be smaller
     * @param transform what to do to each image
     * @param seed seed of this epoch's random streams
     * @param threads loader threads; 0 builds each batch in the caller of {@link #next()}
     * @param buffers batch buffers in flight (at least 2: one being consumed, one being filled)
     */
    public BatchLoader(LabeledImages images, int[] order, int batchSize, ImageTransform transform, long seed,
            int threads, int buffers) {
        if (batchSize < 1 || threads < 0 || buffers < 2) {
            throw new IllegalArgumentException("batchSize must be >= 1, threads >= 0 and buffers >= 2");
        }
        this.images = images;
        this.order = order.clone();
        this.batchSize = batchSize;
        this.transform = transform;
        this.seed = seed;
        this.batches = (order.length + batchSize - 1) / batchSize;
        this.free = new LinkedBlockingQueue<>();
        int bytes = Math.multiplyExact(batchSize, 3 * transform.side() * transform.side() * Float.BYTES);
        for (int i = 0; i < Math.min(buffers, Math.max(1, batches)); i++) {
            free.add(ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder()));
        }
        this.results = new ArrayList<>(batches);
        for (int i = 0; i < batches; i++) {
            results.add(new CompletableFuture<>());
        }
        for (int t = 0; t < Math.min(threads, batches); t++) {
            Thread worker = new Thread(this::work, "batch-loader-" + t);
            worker.setDaemon(true);
            workers.add(worker);
            worker.start();
        }
    }

    /** Batches in this epoch. */
    public int batches() {
        return batches;
    }

    /** Mixes a seed with an index into an independent stream (SplitMix64's finaliser). */
    public static long mix(long seed, long index) {
        long z = seed + 0x9E3779B97F4A7C15L * (index + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A permutation of {@code 0..n-1} fixed by {@code seed} (Fisher-Yates). */
    public static int[] permutation(int n, long seed) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private void work() {
        try {
            while (!closed) {
                ByteBuffer buffer = free.take();
                int b = nextToClaim.getAndIncrement();
                if (b >= batches || closed) {
                    free.add(buffer);
                    return;
                }
                try {
                    results.get(b).complete(fill(b, buffer));
                } catch (RuntimeException | Error e) {
                    free.add(buffer);
                    results.get(b).completeExceptionally(e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private HostBatch fill(int b, ByteBuffer buffer) {
        FloatBuffer floats = buffer.duplicate().order(buffer.order()).asFloatBuffer();
        int per = 3 * transform.side() * transform.side();
        int from = b * batchSize;
        int to = Math.min(order.length, from + batchSize);
        int[] labels = new int[to - from];
        int count = 0;
        int skipped = 0;
        for (int k = from; k < to; k++) {
            int index = order[k];
            RgbImage image = images.image(index);
            if (image == null) {
                skipped++;
                continue;
            }
            transform.apply(image, new SplittableRandom(mix(seed, index)), floats, count * per);
            labels[count++] = images.label(index);
        }
        return new HostBatch(b, count, transform.side(), buffer,
                count == labels.length ? labels : java.util.Arrays.copyOf(labels, count), skipped);
    }

    @Override
    public boolean hasNext() {
        return nextToHand < batches;
    }

    /**
     * The next batch, in order, waiting for the loaders if they are behind.
     *
     * @throws IllegalStateException when a loader failed, or the wait was interrupted (the
     *     interrupt is re-asserted)
     */
    @Override
    public HostBatch next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the epoch has " + batches + " batches");
        }
        if (closed) {
            throw new IllegalStateException("batch loader is closed");
        }
        if (workers.isEmpty()) {
            int b = nextToHand++;
            ByteBuffer buffer = free.poll();
            if (buffer == null) {
                throw new IllegalStateException("release each batch before asking for the next one");
            }
            try {
                return fill(b, buffer);
            } catch (RuntimeException e) {
                free.add(buffer);
                throw new IllegalStateException("loading batch " + b + " failed: " + e, e);
            }
        }
        try {
            return results.get(nextToHand++).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a batch", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("loading batch " + (nextToHand - 1) + " failed: " + e.getCause(), e.getCause());
        }
    }

    /** Gives a batch's buffer back for reuse; call once its NDArray is closed. */
    public void release(HostBatch batch) {
        batch.bytes().clear();
        free.add(batch.bytes());
    }

    /** Stops the loader threads; buffers are left to the garbage collector. */
    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) {
            w.interrupt();
        }
        for (Thread w : workers) {
            try {
                w.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Convenience: an iterable view for a for-each loop. */
    public Iterable<HostBatch> asIterable() {
        return () -> this;
    }
}
