package io.vggstream.engine.model;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Runs native work that recurses deeply (ONNX Runtime's session creation and graph optimisation)
 * on a thread with a large stack. On the JVM's default 1 MB thread stack, and on {@code java}'s
 * main thread, it can overflow in native code and kill the process without a trace (measured:
 * a 1/16-width VGG session dies with a 1.5 MB stack and opens with 2 MB).
 */
public final class BigStack {

    /** Generous: the thread exists only while the work runs. */
    static final long STACK_BYTES = 64L << 20;

    private BigStack() {
    }

    public static <T> T call(String name, Supplier<T> work) {
        AtomicReference<Object> result = new AtomicReference<>();
        Thread t = new Thread(null, () -> {
            try {
                result.set(work.get());
            } catch (RuntimeException | Error e) {
                result.set(new Failure(e));
            }
        }, name, STACK_BYTES);
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + name, e);
        }
        Object r = result.get();
        if (r instanceof Failure f) {
            if (f.error() instanceof RuntimeException e) {
                throw e;
            }
            throw (Error) f.error();
        }
        @SuppressWarnings("unchecked")
        T value = (T) r;
        return value;
    }

    private record Failure(Throwable error) {
    }
}
