package io.vggstream.onnx;

import io.vggstream.topics.card.ModelCard;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Function;

/**
 * The conventions of the dense-evaluation graph the engine serves, shared by the trainer's export
 * and the import of pretrained VGGs: tensor names, opset, IR version and file name. The graph's
 * input is {@link #INPUT} {@code [N, 3, H, W]}; FC1 is a (crop/32)x(crop/32) conv named
 * {@code fc6}, FC2 and FC3 are 1x1 convs {@code fc7} and {@code fc8}; {@code fc8}'s class-score map
 * is averaged over space ({@code scores}) and soft-maxed ({@link #POSTERIOR}); {@link #FEATURE} is
 * FC2 after ReLU, averaged over space.
 */
public final class DenseGraph {

    public static final String INPUT = "image";
    public static final String POSTERIOR = "posterior";
    public static final String FEATURE = "feature";
    /** ReduceMean takes {@code axes} as an attribute up to opset 17 (an input from 18). */
    public static final int OPSET = 17;
    public static final long IR_VERSION = 8;
    public static final String MODEL_FILE = "model.onnx";

    private DenseGraph() {}

    /**
     * Writes {@code dir/model.onnx} (the card in its metadata) and {@code dir/model.json}, through a
     * temporary file moved into place, so a watcher never sees half a model.
     *
     * @param producer the ModelProto's producer name
     * @param version its producer version
     * @param graph builds the GraphProto; its initializers hash their floats into the digest as they are written
     * @param card builds the card from the weights' SHA-256 (hex)
     * @return the card written
     */
    public static ModelCard write(Path dir, String producer, String version, Function<MessageDigest, Proto> graph,
            Function<String, ModelCard> card) throws IOException {
        Files.createDirectories(dir);
        Path onnx = dir.resolve(MODEL_FILE);
        Path tmp = dir.resolve(MODEL_FILE + ".tmp");
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
        ModelCard written;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
            new Proto()
                    .varint(1, IR_VERSION)
                    .string(2, producer)
                    .string(3, version)
                    .message(8, new Proto().string(1, "").varint(2, OPSET))
                    .message(7, graph.apply(sha))
                    .writeTo(out);
            written = card.apply(HexFormat.of().formatHex(sha.digest()));
            written.validate(onnx.toString());
            new Proto().message(14, new Proto().string(1, ModelCard.ONNX_METADATA_KEY).string(2, written.toJson()))
                    .writeTo(out);
        } catch (UncheckedIOException e) {
            Files.deleteIfExists(tmp);
            throw e.getCause();
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, onnx, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        written.write(dir.resolve(ModelCard.FILE_NAME));
        return written;
    }

    /** The implementation version of {@code c}'s jar, or {@code dev} when run from classes. */
    public static String versionOf(Class<?> c) {
        String v = c.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** SHA-256 (hex) of a file's bytes, read as a stream (a model file can be larger than the heap). */
    public static String fileSha256(Path file) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
