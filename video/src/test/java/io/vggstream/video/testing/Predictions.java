package io.vggstream.video.testing;

import io.vggstream.topics.prediction.Prediction;
import java.util.List;
import java.util.Optional;

/** Contract-valid predictions for tests. */
public final class Predictions {

    private Predictions() {
    }

    /** A prediction of {@code stream}/{@code seq} whose top-1 is class {@code index} named {@code name}. */
    public static Prediction of(String stream, long seq, long ts, int index, String name, double p, double captureMs, Optional<String> label) {
        return new Prediction(stream, seq, ts, new Prediction.Source("vggstream.frames", 0, seq),
            List.of(new Prediction.Ranked(index, name, p), new Prediction.Ranked(index == 0 ? 1 : 0, "other", (1 - p) / 2),
                new Prediction.Ranked(9, "Ankle boot", (1 - p) / 4)),
            List.of("vgg-a-test"), new Prediction.Protocol("single", List.of(32), false, 0),
            new Prediction.Latency(captureMs / 2, captureMs), label, false);
    }
}
