package io.vggstream.onnx.imports;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Names an imported conv stack: one of the paper's configurations (Table 1) at a width, or
 * {@code custom} with the stack listed layer by layer. The table is the trainer's
 * ({@code io.vggstream.trainer.model.VggConfig}), kernels per stage, repeated here because the
 * trainer depends on this module, not the other way; torchvision's vgg11, vgg13, vgg16 and vgg19
 * are A, B, D and E (C, with its 1x1 convs, is recognised too).
 *
 * @param config A, B, C, D, E or custom
 * @param width the channel multiplier (1 = the paper's 64..512); for custom, the first conv's
 *     channels over 64, at most 1
 * @param stack the layers, e.g. {@code conv3-64}, {@code pool}
 */
record StackConfig(String config, double width, List<String> stack) {

    static final String CUSTOM = "custom";
    private static final int[] STAGE_CHANNELS = {64, 128, 256, 512, 512};
    private static final Map<String, int[][]> TABLE = new LinkedHashMap<>();

    static {
        TABLE.put("A", new int[][] {{3}, {3}, {3, 3}, {3, 3}, {3, 3}});
        TABLE.put("B", new int[][] {{3, 3}, {3, 3}, {3, 3}, {3, 3}, {3, 3}});
        TABLE.put("C", new int[][] {{3, 3}, {3, 3}, {3, 3, 1}, {3, 3, 1}, {3, 3, 1}});
        TABLE.put("D", new int[][] {{3, 3}, {3, 3}, {3, 3, 3}, {3, 3, 3}, {3, 3, 3}});
        TABLE.put("E", new int[][] {{3, 3}, {3, 3}, {3, 3, 3, 3}, {3, 3, 3, 3}, {3, 3, 3, 3}});
    }

    /** Recognises the stack of {@code g}. */
    static StackConfig of(VggGraph g) {
        List<List<VggGraph.Conv>> stages = new ArrayList<>();
        List<VggGraph.Conv> current = new ArrayList<>();
        List<String> stack = new ArrayList<>();
        for (VggGraph.Trunk t : g.trunk()) {
            if (t instanceof VggGraph.Conv c) {
                current.add(c);
                stack.add("conv" + c.kernel() + "-" + c.out());
            } else {
                stages.add(current);
                current = new ArrayList<>();
                stack.add("pool");
            }
        }
        double width = stages.get(0).get(0).out() / 64.0;
        for (Map.Entry<String, int[][]> row : TABLE.entrySet()) {
            if (matches(row.getValue(), stages, width)) {
                return new StackConfig(row.getKey(), width, null);
            }
        }
        return new StackConfig(CUSTOM, Math.min(1.0, width), List.copyOf(stack));
    }

    private static boolean matches(int[][] kernels, List<List<VggGraph.Conv>> stages, double width) {
        if (width > 1 || stages.size() != kernels.length) {
            return false;
        }
        for (int s = 0; s < kernels.length; s++) {
            List<VggGraph.Conv> convs = stages.get(s);
            if (convs.size() != kernels[s].length) {
                return false;
            }
            // the trainer's VggSpec.channels: round(paper's channels * width), at least 1
            int channels = Math.max(1, (int) Math.round(STAGE_CHANNELS[s] * width));
            for (int i = 0; i < convs.size(); i++) {
                if (convs.get(i).kernel() != kernels[s][i] || convs.get(i).out() != channels) {
                    return false;
                }
            }
        }
        return true;
    }
}
