package io.vggstream.engine.api;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The engine as the streams and the tools see it: a frame's encoded bytes in, one
 * {@link Classification} out. The stage never fails: a timeout or a refusal is a
 * {@link Classification.NotClassified}. The stage completes on the engine's thread that answered:
 * a dependent added without an executor runs there, so keep it short or give it an executor.
 */
public interface Classifier {

    /**
     * Classifies one encoded image with the protocol of {@code level}: 0 is the configured
     * protocol, higher levels the cheaper rungs of the degradation ladder ({@link Served#levels()}).
     */
    CompletionStage<Classification> classify(byte[] image, int level);

    /**
     * Classifies at the level the engine's load governor picks (the streams' way in): the
     * configured protocol until the engine's smoothed latency passes the degradation budget, then
     * a rung down the ladder at a time, and back up once the latency falls. Without degradation,
     * level 0.
     */
    CompletionStage<Classification> classifyGoverned(byte[] image);

    /**
     * {@link #classifyGoverned(byte[])} for several images, answered together in their order once the last is answered:
     * what a stream under load has consumed, in one message each way rather than one per frame. Never fails.
     * By default, one call per image.
     */
    default CompletionStage<List<Classification>> classifyGoverned(List<byte[]> images) {
        List<CompletableFuture<Classification>> each = images.stream()
            .map(image -> classifyGoverned(image).toCompletableFuture()).toList();
        return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
            .thenApply(done -> each.stream().map(CompletableFuture::join).toList());
    }

    /** The load governor's level and the latency it steers by (see {@link #classifyGoverned}). */
    CompletionStage<Degradation> degradation();

    /** Classifies with the configured protocol (level 0). */
    default CompletionStage<Classification> classify(byte[] image) {
        return classify(image, 0);
    }

    /**
     * What was served at start: the models, their classes and the protocol levels. The number of
     * levels holds for the engine's life; after a hot swap each {@link Classification.Ok#served()}
     * describes the models that answered.
     */
    Served served();
}
