package io.vggstream.engine.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vggstream.engine.model.Model;
import io.vggstream.engine.model.Normalisation;
import io.vggstream.engine.protocol.Protocol;
import io.vggstream.engine.testing.Frames;
import io.vggstream.topics.card.ModelCard;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The engine's preprocessing against a hand computation of the card's normalisation,
 * {@code x = (pixel * scale - mean[k]) / std[k]} for input channel k taken from the image's channel
 * {@code channel_order[k]}, element by element, on a PNG written here with known pixels. The image
 * is 40x32 and Q is 32, so no resampling happens (the crop is 32, the smallest the card allows).
 */
class NormalisationTest {

    private static final int W = 40;
    private static final int H = 32;

    static final ModelCard.Input TORCHVISION = new ModelCard.Input("rgb", 1 / 255.0, List.of(0.485, 0.456, 0.406),
        List.of(0.229, 0.224, 0.225));
    static final ModelCard.Input CAFFE = new ModelCard.Input("bgr", 1.0, List.of(103.939, 116.779, 123.68), List.of(1.0, 1.0, 1.0));

    /** Known pixels: every channel differs from the others, 0 and 255 both occur. */
    private static int[] rgb(int x, int y) {
        if (x == 0 && y == 0) {
            return new int[] {0, 255, 128};
        }
        if (x == 1 && y == 0) {
            return new int[] {255, 0, 1};
        }
        return new int[] {(7 * x + 31 * y) % 256, (250 - 5 * x - 3 * y + 256) % 256, (11 * x * y + 100) % 256};
    }

    private static byte[] png() {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                int[] p = rgb(x, y);
                img.setRGB(x, y, (p[0] << 16) | (p[1] << 8) | p[2]);
            }
        }
        return Frames.encode(img, "png");
    }

    static ModelCard card(ModelCard.Input input) {
        return new ModelCard(input == null ? ModelCard.FORMAT : ModelCard.FORMAT_2, "A", 0.25, 16, List.of("a", "b"),
            List.of(123.68, 116.779, 103.939), 32, ModelCard.Scale.fixed(32), new ModelCard.Io("image", "posterior", "feature"), null,
            Map.of(), Map.of(), "ab".repeat(32), input, null, null).validate("test card");
    }

    /** The dense tensor and its mirror for {@code card}, through {@link Plan#of} and the engine's preprocessing. */
    private static List<Variant> variants(ModelCard card) {
        Plan plan = Plan.of(0, new Model("m", Path.of("m.onnx"), card), Protocol.parse("single"));
        assertThat(plan.scales()).containsExactly(H);
        var ok = (Preprocessing.Result.Ok) Preprocessing.variants(png(), List.of(plan), 1 << 20);
        assertThat(ok.variants()).hasSize(2).allSatisfy(v -> assertThat(v.w()).isEqualTo(W)).allSatisfy(v -> assertThat(v.h()).isEqualTo(H));
        return ok.variants();
    }

    private static void assertHandComputed(ModelCard.Input in, List<Variant> variants) {
        int[] order = in.bgr() ? new int[] {2, 1, 0} : new int[] {0, 1, 2};
        for (int flip = 0; flip < 2; flip++) {
            float[] chw = variants.get(flip).chw();
            for (int k = 0; k < 3; k++) {
                double mean = in.mean().get(k);
                double std = in.std().get(k);
                for (int y = 0; y < H; y++) {
                    for (int x = 0; x < W; x++) {
                        int pixel = rgb(flip == 0 ? x : W - 1 - x, y)[order[k]];
                        double exact = (pixel * in.scale() - mean) / std;
                        // The rule the engine states: multiplier and offset rounded to float once, then p * mul + add in float.
                        float rule = pixel * (float) (in.scale() / std) + (float) (-mean / std);
                        float got = chw[k * W * H + y * W + x];
                        String at = "channel " + k + " (" + in.channelOrder().charAt(k) + ") at (" + x + ", " + y + "), flip " + flip
                            + ", pixel " + pixel;
                        assertThat(got).as(at).isEqualTo(rule);
                        // Within two float ulps of the larger term of the exact value: the float rounding, never a wrong channel.
                        double ulps = 2 * Math.ulp((float) Math.max(Math.abs(pixel * in.scale() / std), Math.abs(mean / std)));
                        assertThat((double) got).as(at).isCloseTo(exact, org.assertj.core.data.Offset.offset(ulps));
                    }
                }
            }
        }
    }

    @Test
    void shouldNormaliseAsTorchvisionsCardSaysElementByElement() {
        assertHandComputed(TORCHVISION, variants(card(TORCHVISION)));
    }

    @Test
    void shouldFeedBlueFirstAndSubtractTheCaffeMeanElementByElement() {
        List<Variant> v = variants(card(CAFFE));
        assertHandComputed(CAFFE, v);
        // Pixel (0, 0) is R 0, G 255, B 128: input channel 0 is its blue.
        assertThat(v.get(0).chw()[0]).isEqualTo(128 - (float) 103.939);
        assertThat(v.get(0).chw()[2 * W * H]).isEqualTo(0 - (float) 123.68);
    }

    @Test
    void shouldKeepTheFloatsOfAVersion1CardBitForBit() {
        ModelCard v1 = card(null);
        float[] m = {v1.meanRgb().get(0).floatValue(), v1.meanRgb().get(1).floatValue(), v1.meanRgb().get(2).floatValue()};
        List<Variant> v = variants(v1);
        for (int flip = 0; flip < 2; flip++) {
            float[] chw = v.get(flip).chw();
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < H; y++) {
                    for (int x = 0; x < W; x++) {
                        int pixel = rgb(flip == 0 ? x : W - 1 - x, y)[c];
                        // The engine before input blocks: the pixel plus the negated float mean (Tensors.minus).
                        float before = pixel + -m[c];
                        assertThat(Float.floatToRawIntBits(chw[c * W * H + y * W + x])).isEqualTo(Float.floatToRawIntBits(before));
                    }
                }
            }
        }
        assertThat(v1.normalisation()).isEqualTo(ModelCard.Input.pixelsMinus(v1.meanRgb()));
    }

    @Test
    void shouldRefuseANormalisationOutsideFloatNamingTheField() {
        ModelCard huge = card(new ModelCard.Input("rgb", 1e300, List.of(0.0, 0.0, 0.0), List.of(1.0, 1.0, 1.0)));
        assertThatThrownBy(() -> Normalisation.of(huge)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("'input.scale'").hasMessageContaining("float32");
    }
}
