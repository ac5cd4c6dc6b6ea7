package io.vggstream.trainer.data;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Unreadable images: each is skipped, counted, and warned about once per file, never a crash. */
public final class CorruptImages {
    private static final Logger LOG = LoggerFactory.getLogger(CorruptImages.class);

    private final AtomicLong skipped = new AtomicLong();
    private final Set<Path> warned = ConcurrentHashMap.newKeySet();

    /** Records one failed read of {@code file}; warns the first time this file fails. */
    public void skip(Path file, String reason) {
        skipped.incrementAndGet();
        if (warned.add(file)) {
            LOG.warn("skipping unreadable image {}: {}", file, reason);
        }
    }

    /** Reads skipped so far (a file that fails every epoch counts every time). */
    public long skipped() {
        return skipped.get();
    }

    /** Distinct files that failed. */
    public int files() {
        return warned.size();
    }
}
