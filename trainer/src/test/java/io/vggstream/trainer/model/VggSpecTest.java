package io.vggstream.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class VggSpecTest {

    /** The paper's Table 2, in millions. */
    private static final Map<VggConfig, Integer> TABLE_2 = Map.of(
            VggConfig.A, 133, VggConfig.A_LRN, 133, VggConfig.B, 133,
            VggConfig.C, 134, VggConfig.D, 138, VggConfig.E, 144);

    @ParameterizedTest
    @EnumSource(value = VggConfig.class, names = "B_5X5", mode = EnumSource.Mode.EXCLUDE)
    void shouldMatchTable2WhenFullSize(VggConfig config) {
        long params = VggSpec.paper(config).parameterCount();

        assertThat(Math.round(params / 1e6)).isEqualTo((long) TABLE_2.get(config));
    }

    @Test
    void shouldGiveTheWellKnownExactCountForVgg16() {
        // torchvision's vgg16 has 138,357,544 parameters.
        assertThat(VggSpec.paper(VggConfig.D).parameterCount()).isEqualTo(138_357_544L);
        assertThat(VggSpec.paper(VggConfig.E).parameterCount()).isEqualTo(143_667_240L);
        assertThat(VggSpec.paper(VggConfig.A).parameterCount()).isEqualTo(132_863_336L);
    }

    @ParameterizedTest
    @EnumSource(VggConfig.class)
    void shouldHaveThePapersNumberOfWeightLayers(VggConfig config) {
        int expected = switch (config) {
            case A, A_LRN -> 11;
            case B -> 13;
            case C, D -> 16;
            case E -> 19;
            case B_5X5 -> 8;
        };
        long weightLayers = VggSpec.paper(config).layers().stream()
                .filter(l -> l instanceof Layer.Conv || l instanceof Layer.Fc).count();

        assertThat(weightLayers).isEqualTo(expected).isEqualTo(config.weightLayers());
    }

    @Test
    void shouldPutOneByOneConvsAtTheEndOfStagesThreeToFiveWhenConfigC() {
        VggSpec c = VggSpec.paper(VggConfig.C);

        assertThat(c.convs()).filteredOn(conv -> conv.kernel() == 1)
                .extracting(Layer.Conv::name, Layer.Conv::out)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("conv3_3", 256),
                        org.assertj.core.groups.Tuple.tuple("conv4_3", 512),
                        org.assertj.core.groups.Tuple.tuple("conv5_3", 512));
    }

    @Test
    void shouldReplaceEachPairOfThreeByThreeConvsOfBWithOneFiveByFiveWhenB5x5() {
        VggSpec twin = new VggSpec(VggConfig.B_5X5, 0.25, 256, 10, 32);
        VggSpec b = new VggSpec(VggConfig.B, 0.25, 256, 10, 32);

        assertThat(VggConfig.of("b-5x5")).isSameAs(VggConfig.B_5X5);
        assertThat(VggConfig.of("B_5X5")).isSameAs(VggConfig.B_5X5);
        // One 5x5 conv per stage, padding 2 (the map keeps its size), the channels of B's stage.
        assertThat(twin.convs()).extracting(Layer.Conv::name, Layer.Conv::in, Layer.Conv::out, Layer.Conv::kernel,
                Layer.Conv::padding).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("conv1_1", 3, 16, 5, 2),
                        org.assertj.core.groups.Tuple.tuple("conv2_1", 16, 32, 5, 2),
                        org.assertj.core.groups.Tuple.tuple("conv3_1", 32, 64, 5, 2),
                        org.assertj.core.groups.Tuple.tuple("conv4_1", 64, 128, 5, 2),
                        org.assertj.core.groups.Tuple.tuple("conv5_1", 128, 128, 5, 2));
        assertThat(twin.layers()).filteredOn(Layer.MaxPool.class::isInstance).hasSize(5);
        assertThat(twin.layers().subList(twin.layers().size() - 3, twin.layers().size()))
                .isEqualTo(b.layers().subList(b.layers().size() - 3, b.layers().size()));
        // Same receptive field per stage as B's two 3x3 convs, but more weights where the channels stay
        // (25 c^2 against 2 x 9 c^2: the paper's argument for stacks of 3x3 convs).
        assertThat(VggConfig.B_5X5.weightLayers()).isEqualTo(8);
        assertThat(twin.parameterCount()).isGreaterThan(b.parameterCount());
        assertThat(VggSpec.paper(VggConfig.B_5X5).parameterCount()).isGreaterThan(VggSpec.paper(VggConfig.B).parameterCount());
    }

    @Test
    void shouldPutLrnAfterTheFirstConvOnlyWhenConfigALrn() {
        assertThat(VggSpec.paper(VggConfig.A_LRN).layers().get(1)).isInstanceOf(Layer.Lrn.class);
        assertThat(VggSpec.paper(VggConfig.A).layers()).noneMatch(Layer.Lrn.class::isInstance);
    }

    @Test
    void shouldScaleChannelsAndFc1KernelWhenReduced() {
        VggSpec small = new VggSpec(VggConfig.D, 0.125, 256, 10, 64);

        assertThat(small.channels(0)).as("8, to a whole block of 16").isEqualTo(16);
        assertThat(small.channels(2)).isEqualTo(32);
        assertThat(small.channels(4)).isEqualTo(64);
        Layer.Fc fc6 = (Layer.Fc) small.layers().stream().filter(l -> l.name().equals("fc6")).findFirst().orElseThrow();
        assertThat(fc6.kernel()).isEqualTo(2);
        assertThat(fc6.in()).isEqualTo(64 * 2 * 2);
    }

    @Test
    void shouldRejectACropThatIsNotAMultipleOf32() {
        assertThatThrownBy(() -> new VggSpec(VggConfig.A, 1, 4096, 1000, 100))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("crop must be a positive multiple of 32")
                .hasMessageContaining("100");
    }

    @Test
    void shouldNameTheKnownConfigsWhenUnknown() {
        assertThatThrownBy(() -> VggConfig.of("F"))
                .hasMessage("unknown config 'F': expected one of A, A-LRN, B, C, D, E, B-5x5");
        assertThat(VggConfig.of("a-lrn")).isEqualTo(VggConfig.A_LRN);
        assertThat(VggConfig.of("A_LRN")).isEqualTo(VggConfig.A_LRN);
    }
}
