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
    @EnumSource(VggConfig.class)
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
    void shouldPutLrnAfterTheFirstConvOnlyWhenConfigALrn() {
        assertThat(VggSpec.paper(VggConfig.A_LRN).layers().get(1)).isInstanceOf(Layer.Lrn.class);
        assertThat(VggSpec.paper(VggConfig.A).layers()).noneMatch(Layer.Lrn.class::isInstance);
    }

    @Test
    void shouldScaleChannelsAndFc1KernelWhenReduced() {
        VggSpec small = new VggSpec(VggConfig.D, 0.125, 256, 10, 64);

        assertThat(small.channels(0)).isEqualTo(8);
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
                .hasMessage("unknown config 'F': expected one of A, A-LRN, B, C, D, E");
        assertThat(VggConfig.of("a-lrn")).isEqualTo(VggConfig.A_LRN);
        assertThat(VggConfig.of("A_LRN")).isEqualTo(VggConfig.A_LRN);
    }
}
