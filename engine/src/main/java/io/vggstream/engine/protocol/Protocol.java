package io.vggstream.engine.protocol;

import io.vggstream.topics.card.ModelCard;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A test-time protocol (the paper's Sect. 3.2): which scales Q, whether flips are averaged in,
 * dense evaluation, the 5x5 grid of crops, or both. Scales come from the model card unless given.
 *
 * <p>Presets: {@code single} (Q = S, or (Smin+Smax)/2 for jittered S; dense), {@code multi-scale}
 * (Q = {S-32, S, S+32}, or {Smin, mid, Smax}; dense), {@code crops} (the multi-scale Qs, 5x5
 * crops only), {@code dense+crops} (both). All average flips unless {@code flips=off}. Options
 * follow the name after commas: {@code multi-scale,flips=off}, {@code single,scales=256:288}.
 *
 * @param name the preset's name, as written into predictions
 * @param scaleSet where the scales come from
 * @param explicitScales the scales when {@code scaleSet} is {@link ScaleSet#EXPLICIT}
 * @param flips average the horizontal flip in
 * @param dense evaluate the whole rescaled image through the fully-convolutional graph
 * @param crops evaluate the 5x5 grid of crop-sized crops per scale
 */
public record Protocol(String name, ScaleSet scaleSet, List<Integer> explicitScales, boolean flips, boolean dense, boolean crops) {

    /** The number of crops per side of the paper's grid. */
    public static final int GRID = 5;

    /** Where a protocol's scales Q come from. */
    public enum ScaleSet { SINGLE, MULTI, EXPLICIT }

    public Protocol {
        Objects.requireNonNull(name, "name");
        explicitScales = List.copyOf(explicitScales);
        if (!dense && !crops) {
            throw new IllegalArgumentException("protocol " + name + " evaluates nothing: it needs dense, crops or both");
        }
        if (scaleSet == ScaleSet.EXPLICIT && explicitScales.isEmpty()) {
            throw new IllegalArgumentException("protocol " + name + " needs at least one scale");
        }
    }

    public static final List<String> PRESETS = List.of("single", "multi-scale", "crops", "dense+crops");

    /** Parses {@code NAME[,flips=on|off][,scales=Q1:Q2...]}, naming what is wrong. */
    public static Protocol parse(String spec) {
        String[] parts = spec.strip().split(",");
        String name = parts[0].strip().toLowerCase(Locale.ROOT);
        Protocol p = switch (name) {
            case "single" -> new Protocol(name, ScaleSet.SINGLE, List.of(), true, true, false);
            case "multi-scale" -> new Protocol(name, ScaleSet.MULTI, List.of(), true, true, false);
            case "crops" -> new Protocol(name, ScaleSet.MULTI, List.of(), true, false, true);
            case "dense+crops" -> new Protocol(name, ScaleSet.MULTI, List.of(), true, true, true);
            default -> throw new IllegalArgumentException("unknown protocol '" + parts[0].strip() + "'; choose one of "
                + String.join(", ", PRESETS) + " (options: ,flips=on|off ,scales=Q1:Q2:...)");
        };
        for (int i = 1; i < parts.length; i++) {
            String[] kv = parts[i].strip().split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("protocol option '" + parts[i].strip() + "' must be key=value (flips=on|off, scales=Q1:Q2)");
            }
            String key = kv[0].strip();
            String value = kv[1].strip();
            switch (key) {
                case "flips" -> {
                    if (!value.equals("on") && !value.equals("off")) {
                        throw new IllegalArgumentException("protocol option flips must be on or off, got '" + value + "'");
                    }
                    p = new Protocol(p.name, p.scaleSet, p.explicitScales, value.equals("on"), p.dense, p.crops);
                }
                case "scales" -> {
                    List<Integer> qs = new ArrayList<>();
                    for (String q : value.split(":")) {
                        try {
                            int n = Integer.parseInt(q.strip());
                            if (n <= 0) {
                                throw new NumberFormatException();
                            }
                            qs.add(n);
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("protocol option scales must be positive integers separated by ':', got '" + value + "'");
                        }
                    }
                    p = new Protocol(p.name, ScaleSet.EXPLICIT, qs, p.flips, p.dense, p.crops);
                }
                default -> throw new IllegalArgumentException("unknown protocol option '" + key + "' (flips, scales)");
            }
        }
        return p;
    }

    /**
     * The scales Q for a model: the paper's rules on its training scale, with the paper's 32-pixel
     * step scaled to the crop (32 at 224); for a fixed S less than a step above the crop, the
     * lowest Q is the crop itself. Every Q must be at least the crop.
     */
    public List<Integer> scalesFor(ModelCard card) {
        ModelCard.Scale s = card.trainingScale();
        List<Integer> qs = switch (scaleSet) {
            case EXPLICIT -> explicitScales;
            case SINGLE -> List.of(s.testScale());
            case MULTI -> {
                if (s.jittered()) {
                    yield List.of(s.min(), (s.min() + s.max()) / 2, s.max());
                }
                int step = Math.max(1, Math.round(32f * card.crop() / 224f));
                // A model trained at S close to its crop has no room below S: start at the crop.
                yield java.util.stream.Stream.of(Math.max(card.crop(), s.min() - step), s.min(), s.min() + step).distinct().toList();
            }
        };
        for (int q : qs) {
            if (q < card.crop()) {
                throw new IllegalArgumentException("protocol " + name + " asks for scale Q=" + q + ", smaller than the model's crop "
                    + card.crop() + ": every Q must be at least the crop");
            }
        }
        return qs;
    }

    /** What goes into predictions' {@code protocol.crops}: crops per scale and flip. */
    public int cropsPerScale() {
        return crops ? GRID * GRID : 0;
    }

    /** The spec that parses back to this protocol. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name);
        if (!flips) {
            sb.append(",flips=off");
        }
        if (scaleSet == ScaleSet.EXPLICIT) {
            sb.append(",scales=").append(String.join(":", explicitScales.stream().map(String::valueOf).toList()));
        }
        return sb.toString();
    }
}
