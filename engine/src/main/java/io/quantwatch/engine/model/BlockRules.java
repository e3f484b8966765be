package io.quantwatch.engine.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * How a family's transformer block departs from Llama's, as read from its file by its {@link Architecture}; the
 * session computes every family from these values. Zero means "not applied" for the scales and caps.
 *
 * @param embeddingScale token embeddings multiplied by this (Gemma: √dim)
 * @param queryScale queries multiplied by this after the rotation, scores then not scaled (Gemma); 0: scores
 *     multiplied by 1/√head size
 * @param attentionSoftcap attention scores soft-capped, cap · tanh(x / cap) (Gemma 2)
 * @param finalSoftcap the logits soft-capped the same way
 * @param gelu the feed-forward gate through GELU (ggml's half-precision table) instead of SiLU
 * @param slidingWindow positions a sliding layer attends over, itself included; 0: none
 * @param slidingLayers which layers slide (null: none)
 * @param localRope the rotation of sliding layers when it differs from the model's (Gemma 3), else null
 */
public record BlockRules(
        float embeddingScale,
        float queryScale,
        float attentionSoftcap,
        float finalSoftcap,
        boolean gelu,
        int slidingWindow,
        boolean[] slidingLayers,
        LocalRope localRope) {

    /** Llama's block: nothing departs. */
    public static final BlockRules LLAMA = new BlockRules(1f, 0f, 0f, 0f, false, 0, null, null);

    /** The base and scaling of the rotation on sliding layers. */
    public record LocalRope(float base, LlamaConfig.RopeScaling scaling) {}

    public BlockRules {
        if (!(embeddingScale > 0) || queryScale < 0 || attentionSoftcap < 0 || finalSoftcap < 0 || slidingWindow < 0) {
            throw new IllegalArgumentException("block scales, soft-caps and window must not be negative: "
                    + embeddingScale + ", " + queryScale + ", " + attentionSoftcap + ", " + finalSoftcap + ", "
                    + slidingWindow);
        }
        if ((slidingWindow > 0) != (slidingLayers != null)) {
            throw new IllegalArgumentException("a sliding window needs its layers, and layers a window");
        }
    }

    /** Whether layer {@code l} attends over the sliding window only. */
    public boolean sliding(int l) {
        return slidingLayers != null && slidingLayers[l];
    }

    /** Which layers slide: the first {@code period - 1} of every {@code period} (llama.cpp's {@code set_swa_pattern}). */
    static boolean[] everyLayerBut(int period, int layers) {
        boolean[] sliding = new boolean[layers];
        for (int l = 0; l < layers; l++) {
            sliding[l] = period == 0 || l % period < period - 1;
        }
        return sliding;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BlockRules r
                && r.embeddingScale == embeddingScale
                && r.queryScale == queryScale
                && r.attentionSoftcap == attentionSoftcap
                && r.finalSoftcap == finalSoftcap
                && r.gelu == gelu
                && r.slidingWindow == slidingWindow
                && Arrays.equals(r.slidingLayers, slidingLayers)
                && Objects.equals(r.localRope, localRope);
    }

    @Override
    public int hashCode() {
        return Objects.hash(embeddingScale, queryScale, slidingWindow, Arrays.hashCode(slidingLayers));
    }

    @Override
    public String toString() {
        return "BlockRules[embeddingScale=" + embeddingScale + ", queryScale=" + queryScale + ", attentionSoftcap="
                + attentionSoftcap + ", finalSoftcap=" + finalSoftcap + ", gelu=" + gelu + ", slidingWindow="
                + slidingWindow + ", slidingLayers=" + Arrays.toString(slidingLayers) + ", localRope=" + localRope
                + "]";
    }
}
