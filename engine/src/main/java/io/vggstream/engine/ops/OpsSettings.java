package io.vggstream.engine.ops;

import com.typesafe.config.Config;

/**
 * Where the engine serves {@code /metrics}, {@code /health/live} and {@code /health/ready}
 * ({@code vggstream.engine.ops} in reference.conf).
 *
 * @param port the HTTP port; 0 = no endpoints
 */
public record OpsSettings(int port) {

    public OpsSettings {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("vggstream.engine.ops.port must be 0 (off) or a port 1-65535, got " + port);
        }
    }

    public static OpsSettings from(Config config) {
        return new OpsSettings(config.getInt("vggstream.engine.ops.port"));
    }

    public boolean enabled() {
        return port > 0;
    }

    public OpsSettings withPort(int port) {
        return new OpsSettings(port);
    }
}
