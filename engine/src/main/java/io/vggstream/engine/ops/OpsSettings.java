package io.vggstream.engine.ops;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Where and how the engine serves {@code /metrics}, {@code /health/live} and {@code /health/ready}
 * ({@code vggstream.engine.ops} in reference.conf).
 *
 * @param port the HTTP port; 0 = no endpoints
 * @param bindAddress the address to listen on: 127.0.0.1 (this machine only) or 0.0.0.0 (all interfaces, containers)
 * @param requestTimeout the longest one request may take to be read, handled and answered; then its connection is closed
 * @param threads the requests served at once
 */
public record OpsSettings(int port, String bindAddress, Duration requestTimeout, int threads) {

    /** What {@code run} uses on a laptop: loopback only, 10 s per request, 4 threads. */
    public static final String LOOPBACK = "127.0.0.1";

    public OpsSettings {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("vggstream.engine.ops.port must be 0 (off) or a port 1-65535, got " + port);
        }
        if (bindAddress == null || bindAddress.isBlank()) {
            throw new IllegalArgumentException("vggstream.engine.ops.bind-address must be an address such as 127.0.0.1 or 0.0.0.0");
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("vggstream.engine.ops.request-timeout must be positive, got " + requestTimeout);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("vggstream.engine.ops.threads must be at least 1, got " + threads);
        }
    }

    public static OpsSettings from(Config config) {
        Config c = config.getConfig("vggstream.engine.ops");
        return new OpsSettings(c.getInt("port"), c.getString("bind-address").strip(), c.getDuration("request-timeout"), c.getInt("threads"));
    }

    /** Loopback, the documented timeout and threads, on {@code port} (0: a free one, for tests). */
    public static OpsSettings loopback(int port) {
        return new OpsSettings(port, LOOPBACK, Duration.ofSeconds(10), 4);
    }

    public boolean enabled() {
        return port > 0;
    }

    public OpsSettings withPort(int port) {
        return new OpsSettings(port, bindAddress, requestTimeout, threads);
    }

    public OpsSettings withRequestTimeout(Duration timeout) {
        return new OpsSettings(port, bindAddress, timeout, threads);
    }

    public OpsSettings withThreads(int n) {
        return new OpsSettings(port, bindAddress, requestTimeout, n);
    }
}
