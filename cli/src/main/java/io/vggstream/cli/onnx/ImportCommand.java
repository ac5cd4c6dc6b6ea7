package io.vggstream.cli.onnx;

import io.vggstream.onnx.MalformedOnnxException;
import io.vggstream.onnx.imports.ImportException;
import io.vggstream.onnx.imports.ImportOptions;
import io.vggstream.onnx.imports.ImportResult;
import io.vggstream.onnx.imports.Importer;
import io.vggstream.topics.card.ModelCard;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vggstream import}: a pretrained VGG (torchvision, the ONNX Model Zoo, a Caffe conversion)
 * into {@code OUT/model.onnx} and {@code OUT/model.json}, the form {@code run}, {@code classify},
 * {@code evaluate} and {@code bench --model} serve. Exit codes: 0 imported, 1 refused or failed
 * (the message names the node and why), 2 bad usage (the message names the flag).
 */
@Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Import a pretrained VGG from ONNX (torchvision, ONNX Model Zoo or Caffe) for dense evaluation,"
                + " with its model card.",
            "Reads Conv (with BatchNormalization folded in), Relu, MaxPool, Flatten or Reshape, Gemm, Dropout and an"
                + " optional Softmax, opsets 7 to 18; refuses anything else, naming the node."})
public final class ImportCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SOURCE.onnx", description = "the ONNX file to import (its external data,"
            + " if any, beside it)")
    Path source;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "folder for model.onnx and model.json")
    Path out;

    @Option(names = "--layout", paramLabel = "auto|torchvision|zoo|caffe", defaultValue = "auto",
            description = "the exporter, which sets the preprocessing: torchvision and zoo: RGB, /255, ImageNet mean"
                    + " and std; caffe: BGR, 0..255, BGR mean, no std (default: ${DEFAULT-VALUE}, detected from the graph)")
    String layout;

    @Option(names = "--classes", paramLabel = "imagenet|FILE", defaultValue = "imagenet",
            description = "class names: ImageNet's 1,000, or a file with one name a line; the count must match the"
                    + " last layer's outputs (default: ${DEFAULT-VALUE})")
    String classes;

    @Option(names = "--name", paramLabel = "NAME", description = "a name for the model, kept in the card (default: the file's name)")
    String name;

    @Option(names = "--channel-order", paramLabel = "rgb|bgr", description = "which image channel feeds input"
            + " channel 0 (default: the layout's)")
    String channelOrder;

    @Option(names = "--input-scale", paramLabel = "X", description = "multiplies the 0-255 pixel before the mean is"
            + " subtracted, e.g. 0.00392156862745098 for /255 (default: the layout's)")
    Double inputScale;

    @Option(names = "--mean", paramLabel = "a,b,c", description = "per input channel, in scaled units, in the input's"
            + " channel order (default: the layout's)")
    String mean;

    @Option(names = "--std", paramLabel = "a,b,c", description = "per input channel, divides after the mean"
            + " (default: the layout's)")
    String std;

    @Option(names = "--crop", paramLabel = "PIXELS", description = "the training crop; FC1's size says it (224 for"
            + " VGG), a different value is refused")
    Integer crop;

    @Option(names = "--train-scale", paramLabel = "S|Smin:Smax", description = "the training scale S, fixed or"
            + " jittered (default: 256; the paper's Caffe release of VGG-16 and VGG-19: 256:512)")
    String trainScale;

    @Override
    public Integer call() {
        ImportOptions options = new ImportOptions(source, out, checkedLayout(), classes, name, channelOrder, inputScale,
                triple("--mean", mean), triple("--std", std), crop, scale());
        PrintWriter o = spec.commandLine().getOut();
        try {
            ImportResult r = Importer.run(options);
            ModelCard c = r.card();
            o.printf("layout %s (%s)%n", r.layout().label(), r.layoutReason());
            o.printf("config %s%s, width %s, fc %d, %d classes, crop %d, training scale %s%n", c.config(),
                    c.stack() == null ? "" : " " + String.join(" ", c.stack()), c.width(), c.fc(), c.numClasses(),
                    c.crop(), c.trainingScale());
            o.printf(Locale.ROOT, "input %s, scale %s, mean %s, std %s%n", c.input().channelOrder(), c.input().scale(),
                    c.input().mean(), c.input().std());
            o.printf(Locale.ROOT, "wrote %s and %s (%.1f MB read in %.1f s)%n", r.onnx(), r.cardFile(),
                    r.sourceBytes() / 1e6, r.seconds());
            o.flush();
            return 0;
        } catch (ImportException e) {
            if (e.flag() != null) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e, null, e.flag());
            }
            spec.commandLine().getErr().println("import refused: " + e.getMessage());
            return 1;
        } catch (MalformedOnnxException e) {
            spec.commandLine().getErr().println("import refused: " + e.getMessage());
            return 1;
        } catch (IOException | RuntimeException e) {
            spec.commandLine().getErr().println("import failed: " + e);
            return 1;
        }
    }

    private String checkedLayout() {
        String l = layout.toLowerCase(Locale.ROOT);
        if (!List.of("auto", "torchvision", "zoo", "caffe").contains(l)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--layout must be auto, torchvision, zoo or"
                    + " caffe, was '" + layout + "'", null, null, "--layout");
        }
        if (channelOrder != null && !List.of("rgb", "bgr").contains(channelOrder.toLowerCase(Locale.ROOT))) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--channel-order must be rgb or bgr, was '"
                    + channelOrder + "'", null, null, "--channel-order");
        }
        if (inputScale != null && !(inputScale > 0 && Double.isFinite(inputScale))) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--input-scale must be a positive number,"
                    + " was " + inputScale, null, null, "--input-scale");
        }
        return l;
    }

    private List<Double> triple(String flag, String value) {
        if (value == null) {
            return null;
        }
        String[] parts = value.split(",", -1);
        List<Double> v = new ArrayList<>();
        try {
            for (String p : parts) {
                v.add(Double.parseDouble(p.strip()));
            }
        } catch (NumberFormatException e) {
            v.clear();
        }
        if (v.size() != 3 || v.stream().anyMatch(d -> !Double.isFinite(d))
                || (flag.equals("--std") && v.stream().anyMatch(d -> d <= 0))) {
            throw new CommandLine.ParameterException(spec.commandLine(), flag + " needs three "
                    + (flag.equals("--std") ? "positive " : "") + "numbers a,b,c, was '" + value + "'", null, null, flag);
        }
        return v;
    }

    private ModelCard.Scale scale() {
        if (trainScale == null) {
            return null;
        }
        try {
            String[] p = trainScale.split(":", -1);
            if (p.length == 1) {
                return ModelCard.Scale.fixed(Integer.parseInt(p[0].strip()));
            }
            if (p.length == 2) {
                return new ModelCard.Scale(Integer.parseInt(p[0].strip()), Integer.parseInt(p[1].strip()));
            }
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw new CommandLine.ParameterException(spec.commandLine(), "--train-scale must be S or Smin:Smax in pixels,"
                + " was '" + trainScale + "'", null, null, "--train-scale");
    }
}
