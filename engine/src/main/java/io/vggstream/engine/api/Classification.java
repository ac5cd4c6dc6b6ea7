package io.vggstream.engine.api;

import io.vggstream.engine.fusion.Fusion;
import io.vggstream.topics.deadletter.ErrorKind;
import java.util.List;

/**
 * The one answer the engine gives for a frame: what every caller outside the actors sees. A frame
 * is classified ({@link Ok}), refused for what it is ({@link Rejected}: not an image, too large,
 * ...), or could not be classified by the engine ({@link Failed}: inference failed or no answer in
 * time). Rejected and Failed both become a dead letter of their {@link ErrorKind}.
 */
public sealed interface Classification {

    /** The two ways a frame gets no prediction: the dead-letter kind and the reason. */
    sealed interface NotClassified extends Classification {
        ErrorKind kind();

        String reason();
    }

    /**
     * The fused result.
     *
     * @param posterior the fused softmax posterior over the classes
     * @param top the best classes, best first
     * @param partial true when some variants had not answered by the deadline, or failed
     * @param variants how many variant posteriors went into the fusion
     * @param expected how many there should have been
     * @param feature the mean feature vector of the first model's dense variants, when asked for (else null)
     * @param level the protocol level that produced it
     * @param served the models that answered, as a prediction describes them (after a hot swap, the replacement's)
     */
    record Ok(double[] posterior, List<Fusion.Ranked> top, boolean partial, int variants, int expected, float[] feature, int level,
              Served served) implements Classification {
    }

    /** The frame itself cannot be used (it does not decode, or is outside the image limits). */
    record Rejected(ErrorKind kind, String reason) implements NotClassified {
    }

    /** The engine could not classify a usable frame: its inference failed, or it was not answered in time. */
    record Failed(ErrorKind kind, String reason) implements NotClassified {
    }
}
