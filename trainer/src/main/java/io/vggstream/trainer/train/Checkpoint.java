package io.vggstream.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vggstream.trainer.BadInputException;
import io.vggstream.trainer.model.VggNet;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Checkpoints of a run, in {@code OUT/checkpoints/NAME/}: {@code state.json} (recipe, epoch, seed,
 * schedule, statistics, metrics history), {@code weights.ndlist} (every parameter, named
 * {@code conv1_1_weight} ...) and {@code momentum.ndlist} (the optimiser's momentum buffers, same
 * names). A checkpoint is written to a temporary folder and moved into place, then
 * {@code checkpoints/latest} is updated, so an interrupted write never leaves a half checkpoint
 * behind the {@code latest} pointer.
 */
public final class Checkpoint {

    public static final String DIR = "checkpoints";
    public static final String LATEST = "latest";
    public static final String STATE = "state.json";
    public static final String WEIGHTS = "weights.ndlist";
    public static final String MOMENTUM = "momentum.ndlist";

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Checkpoint() {}

    /** Folder name: completed epochs, and batches into the next one when stopped mid-epoch. */
    public static String name(int epoch, int batchesDone) {
        return batchesDone == 0 ? String.format(Locale.ROOT, "e%04d", epoch)
                : String.format(Locale.ROOT, "e%04d-b%07d", epoch, batchesDone);
    }

    /**
     * Writes a checkpoint and prunes all but the newest {@code keep}.
     *
     * @param momentum named momentum buffers (may be empty)
     * @return the checkpoint's folder
     */
    public static Path save(Path runDir, CheckpointState state, VggNet net, Map<String, NDArray> momentum, int keep)
            throws IOException {
        Path dir = runDir.resolve(DIR);
        Files.createDirectories(dir);
        String name = name(state.epoch(), state.batchesDone());
        Path tmp = dir.resolve(".tmp-" + name);
        deleteTree(tmp);
        Files.createDirectories(tmp);
        JSON.writeValue(tmp.resolve(STATE).toFile(), state);
        NDList weights = new NDList();
        net.namedParameters().forEach((n, p) -> {
            NDArray a = p.getArray();
            a.setName(n);
            weights.add(a);
        });
        writeList(tmp.resolve(WEIGHTS), weights);
        NDList m = new NDList();
        momentum.forEach((n, a) -> {
            a.setName(n);
            m.add(a);
        });
        writeList(tmp.resolve(MOMENTUM), m);
        Path target = dir.resolve(name);
        deleteTree(target);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        Path latestTmp = dir.resolve(LATEST + ".tmp");
        Files.writeString(latestTmp, name + System.lineSeparator());
        Files.move(latestTmp, dir.resolve(LATEST), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        prune(dir, keep);
        return target;
    }

    private static void writeList(Path file, NDList list) throws IOException {
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            list.encode(os);
        }
    }

    private static void prune(Path dir, int keep) throws IOException {
        List<Path> all;
        try (Stream<Path> s = Files.list(dir)) {
            all = s.filter(Files::isDirectory).filter(p -> p.getFileName().toString().matches("e\\d{4}(-b\\d{7})?"))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        }
        for (int i = 0; i < all.size() - keep; i++) {
            deleteTree(all.get(i));
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }

    /**
     * Finds a checkpoint: the folder itself, or a run folder's {@code checkpoints/latest}.
     *
     * @param flag the flag it came from, for the error
     * @throws BadInputException naming the flag and the path when there is none
     */
    public static Path locate(Path path, String flag) {
        if (Files.isRegularFile(path.resolve(STATE))) {
            return path;
        }
        for (Path latest : List.of(path.resolve(DIR).resolve(LATEST), path.resolve(LATEST))) {
            if (Files.isRegularFile(latest)) {
                try {
                    Path ckpt = latest.getParent().resolve(Files.readString(latest).trim());
                    if (Files.isRegularFile(ckpt.resolve(STATE))) {
                        return ckpt;
                    }
                    throw new BadInputException(flag, latest + " names " + ckpt + ", which holds no " + STATE);
                } catch (IOException e) {
                    throw new BadInputException(flag, "cannot read " + latest + ": " + e.getMessage(), e);
                }
            }
        }
        throw new BadInputException(flag, flag + " " + path + ": no checkpoint there (expected " + STATE + " or "
                + DIR + "/" + LATEST + ")");
    }

    /** Reads a checkpoint's {@code state.json}. */
    public static CheckpointState readState(Path checkpoint) throws IOException {
        CheckpointState s = JSON.readValue(checkpoint.resolve(STATE).toFile(), CheckpointState.class);
        if (!CheckpointState.FORMAT.equals(s.format())) {
            throw new IOException(checkpoint.resolve(STATE) + ": format must be " + CheckpointState.FORMAT + ", was "
                    + s.format());
        }
        return s;
    }

    /** Reads named arrays ({@code weights.ndlist} or {@code momentum.ndlist}) onto {@code manager}. */
    public static Map<String, NDArray> readArrays(Path file, NDManager manager) throws IOException {
        Map<String, NDArray> out = new LinkedHashMap<>();
        if (!Files.isRegularFile(file)) {
            return out;
        }
        try (InputStream is = new BufferedInputStream(Files.newInputStream(file), 1 << 20)) {
            for (NDArray a : NDList.decode(manager, is)) {
                out.put(a.getName(), a);
            }
        }
        return out;
    }

    /**
     * Sets every parameter of {@code net} from {@code weights}, which must hold exactly the net's
     * parameters with the same shapes.
     */
    public static void loadWeights(VggNet net, Map<String, NDArray> weights, Path from) throws IOException {
        Map<String, Parameter> params = net.namedParameters();
        if (!params.keySet().equals(weights.keySet())) {
            throw new IOException(from + " holds parameters " + weights.keySet() + ", " + net.spec() + " needs "
                    + params.keySet());
        }
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            NDArray dst = e.getValue().getArray();
            NDArray src = weights.get(e.getKey());
            if (!dst.getShape().equals(src.getShape())) {
                throw new IOException(from + ": " + e.getKey() + " has shape " + src.getShape() + ", expected "
                        + dst.getShape());
            }
            dst.set(src.toFloatArray());
        }
    }
}
