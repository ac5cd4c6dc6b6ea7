package io.vggstream.benchmarks.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.vggstream.benchmarks.frames.SyntheticFrames.Resolution;
import io.vggstream.engine.protocol.Protocol;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RunSetupTest {

    private static final Config CONFIG = ConfigFactory.parseString("vggstream.engine.max-in-flight = 32");
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    /** Two workers, batch 8, four inputs a frame: the enrichment workload's shape. */
    private static RunSetup.Spec spec(int maxInFlight) {
        return new RunSetup.Spec() {
            public Protocol protocol() {
                return Protocol.parse("multi-scale");
            }

            public Resolution resolution() {
                return new Resolution(28, 28);
            }

            public int threads() {
                return 1;
            }

            public int workers() {
                return 2;
            }

            public int batch() {
                return 8;
            }

            public Duration maxDelay() {
                return Duration.ofMillis(5);
            }

            public int maxInFlight() {
                return maxInFlight;
            }

            public Path out() {
                return Path.of("unused");
            }
        };
    }

    /** Four batches' worth for each of two workers (2 frames fill a batch of 8 at 4 inputs) plus one per core. */
    private static final int BATCHES_RULE = Math.min(32, 4 * 2 * 2 + CORES);

    @Test
    void shouldKeepTheCeilingsThirtyMillisecondsOfFramesInFlightForAFastModel() {
        assertThat(RunSetup.inFlight(spec(0), 8, 4, CONFIG, 3800)).isEqualTo(114);
    }

    @Test
    void shouldKeepTheBatchesWorthForASlowModel() {
        assertThat(RunSetup.inFlight(spec(0), 8, 4, CONFIG, 1.0)).isEqualTo(BATCHES_RULE);
        assertThat(RunSetup.inFlight(spec(0), 8, 4, CONFIG, Double.NaN)).isEqualTo(BATCHES_RULE);
        assertThat(RunSetup.inFlight(spec(0), 8, 4, CONFIG)).isEqualTo(BATCHES_RULE);
    }

    @Test
    void shouldKeepAtMost256FramesInFlightByTheRate() {
        assertThat(RunSetup.inFlight(spec(0), 8, 4, CONFIG, 1_000_000)).isEqualTo(RunSetup.MOST_IN_FLIGHT).isEqualTo(256);
    }

    @Test
    void shouldKeepWhatMaxInFlightSaysWhenItIsGiven() {
        assertThat(RunSetup.inFlight(spec(7), 8, 4, CONFIG, 3800)).isEqualTo(7);
    }
}
