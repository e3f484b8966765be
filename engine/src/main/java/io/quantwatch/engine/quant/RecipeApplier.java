package io.quantwatch.engine.quant;

import io.quantwatch.engine.model.LayerWeights;
import io.quantwatch.engine.model.LlamaModel;
import io.quantwatch.engine.model.LlamaWeights;
import io.quantwatch.engine.tensor.DotKernels;
import io.quantwatch.engine.tensor.WeightMatrix;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Applies a {@link QuantRecipe} to a model with NNCF's layer policy: embeddings and the output
 * layer in the backup precision unless {@code all_layers}; with {@code ratio} below 1, the layers
 * with the highest INT8_ASYM quantization error (NNCF's data-free sensitivity, score = 1/(error+eps),
 * lowest score first) go to the primary precision until the next one would reach the ratio of
 * weights; the rest take the backup.
 */
public final class RecipeApplier {
    private RecipeApplier() {}

    /** What the policy decided for one weight. */
    public record LayerAssignment(String tensor, long weights, double int8AsymError, boolean primary, String format) {}

    /** The quantized model and the per-layer decisions behind it. */
    public record Result(LlamaModel model, List<LayerAssignment> assignments) {}

    /**
     * The group size each primary-precision weight gets under {@code recipe}, checked against the model's shapes
     * before any weight is quantized: a weight whose row length the group does not divide follows the recipe's
     * {@link QuantRecipe.GroupFallback} ({@code 0} = the backup precision), or, under {@code error}, the recipe is
     * refused naming the tensor, its shape and the recipe.
     */
    public static Map<String, Integer> groupSizes(LlamaModel source, QuantRecipe recipe) {
        Map<String, Integer> sizes = new LinkedHashMap<>();
        boolean backupForEdges = recipe.mode().primaryWithBackup() && !recipe.allLayers();
        for (Map.Entry<String, WeightMatrix> e : named(source.weights()).entrySet()) {
            if (backupForEdges
                    && (e.getKey().equals("token_embd.weight") || e.getKey().equals("output.weight"))) {
                continue; // channel-wise backup precision: no groups
            }
            int cols = e.getValue().cols();
            int g = recipe.groupSize();
            if (g <= 0 || cols % g == 0) {
                sizes.put(e.getKey(), g);
                continue;
            }
            switch (recipe.groupFallback()) {
                case ERROR ->
                    throw new IllegalArgumentException("recipe '" + recipe + "': group size " + g
                            + " does not divide the row length " + cols + " of tensor '" + e.getKey() + "' ["
                            + e.getValue().rows() + " x " + cols + "]; use a group that divides " + cols
                            + ", group=-1 (channel-wise), or add group_fallback=adjust (largest group >= "
                            + QuantRecipe.MIN_ADJUSTED_GROUP + " that divides the row) or group_fallback=ignore"
                            + " (that tensor in the backup precision)");
                case IGNORE -> sizes.put(e.getKey(), 0);
                case ADJUST -> {
                    int adjusted = 0;
                    for (int c = g - 1; c >= QuantRecipe.MIN_ADJUSTED_GROUP; c--) {
                        if (cols % c == 0) {
                            adjusted = c;
                            break;
                        }
                    }
                    sizes.put(e.getKey(), adjusted);
                }
            }
        }
        return sizes;
    }

    /** Every weight matrix a recipe may quantize, by GGUF tensor name (a tied output appears once, as the embedding). */
    private static Map<String, WeightMatrix> named(LlamaWeights w) {
        Map<String, WeightMatrix> all = new LinkedHashMap<>();
        all.put("token_embd.weight", w.tokenEmbedding());
        for (int l = 0; l < w.layers().size(); l++) {
            for (LayerWeights.NamedMatrix m : w.layers().get(l).projections(l)) {
                all.put(m.name(), m.matrix());
            }
        }
        if (!w.tiedOutput()) {
            all.put("output.weight", w.output());
        }
        return all;
    }

    public static Result apply(LlamaModel source, QuantRecipe recipe) {
        Map<String, Integer> groups = groupSizes(source, recipe); // refuses before any work
        DotKernels kernels = source.kernels();
        LlamaWeights w = source.weights();
        QuantMode mode = recipe.mode();
        boolean backupForEdges = mode.primaryWithBackup() && !recipe.allLayers();

        // The weights the ratio is defined over: all linear layers, plus the edges under all_layers or 8-bit modes.
        Map<String, WeightMatrix> ratioDefining = new LinkedHashMap<>();
        for (int l = 0; l < w.layers().size(); l++) {
            for (LayerWeights.NamedMatrix m : w.layers().get(l).projections(l)) {
                ratioDefining.put(m.name(), m.matrix());
            }
        }
        if (!backupForEdges) {
            ratioDefining.put("token_embd.weight", w.tokenEmbedding());
            if (!w.tiedOutput()) {
                ratioDefining.put("output.weight", w.output());
            }
        }
        Map<String, Double> errors = new LinkedHashMap<>();
        Set<String> primary = new HashSet<>();
        if (recipe.ratio() >= 1.0) {
            primary.addAll(ratioDefining.keySet());
        } else {
            long total = 0;
            for (Map.Entry<String, WeightMatrix> e : ratioDefining.entrySet()) {
                WeightMatrix m = e.getValue();
                errors.put(e.getKey(), WeightQuantizer.int8AsymError(m.toFloats(), m.rows(), m.cols()));
                total += (long) m.rows() * m.cols();
            }
            float eps = Math.ulp(1.0f);
            List<String> order = new ArrayList<>(ratioDefining.keySet());
            // Stable sort by ascending score 1/(error + eps): the largest error first, as NNCF sorts.
            order.sort(Comparator.comparingDouble(name -> 1.0 / (errors.get(name) + eps)));
            long inPrimary = 0;
            for (String name : order) {
                WeightMatrix m = ratioDefining.get(name);
                long n = (long) m.rows() * m.cols();
                if ((double) (inPrimary + n) / total >= recipe.ratio()) {
                    break;
                }
                primary.add(name);
                inPrimary += n;
            }
        }

        List<LayerAssignment> assignments = new ArrayList<>();
        Map<WeightMatrix, WeightMatrix> converted = new IdentityHashMap<>();
        BiFunction<String, WeightMatrix, WeightMatrix> convert = (name, m) -> converted.computeIfAbsent(m, key -> {
            int group = groups.getOrDefault(name, recipe.groupSize());
            boolean isPrimary = primary.contains(name) && group != 0; // 0: the group fallback chose the backup
            WeightMatrix q = isPrimary
                    ? WeightQuantizer.quantize(key.toFloats(), key.rows(), key.cols(), mode, group, kernels)
                    : backup(key, recipe.backup(), kernels);
            assignments.add(new LayerAssignment(
                    name,
                    (long) key.rows() * key.cols(),
                    errors.getOrDefault(name, Double.NaN),
                    isPrimary,
                    q.format()));
            return q;
        });

        WeightMatrix embedding = convert.apply("token_embd.weight", w.tokenEmbedding());
        List<LayerWeights> layers = new ArrayList<>();
        for (int l = 0; l < w.layers().size(); l++) {
            LayerWeights lw = w.layers().get(l);
            String p = "blk." + l + ".";
            layers.add(lw.withProjections(
                    convert.apply(p + "attn_q.weight", lw.wq()),
                    convert.apply(p + "attn_k.weight", lw.wk()),
                    convert.apply(p + "attn_v.weight", lw.wv()),
                    convert.apply(p + "attn_output.weight", lw.wo()),
                    convert.apply(p + "ffn_gate.weight", lw.gate()),
                    convert.apply(p + "ffn_up.weight", lw.up()),
                    convert.apply(p + "ffn_down.weight", lw.down())));
        }
        WeightMatrix output = w.tiedOutput() ? embedding : convert.apply("output.weight", w.output());
        LlamaWeights quantized = new LlamaWeights(embedding, layers, w.outputNorm(), output);
        return new Result(source.withWeights(source.name() + " [" + recipe + "]", quantized), List.copyOf(assignments));
    }

    private static WeightMatrix backup(WeightMatrix m, QuantRecipe.Backup backup, DotKernels kernels) {
        float[] f = m.toFloats();
        return switch (backup) {
            case INT8_ASYM -> WeightQuantizer.quantize(f, m.rows(), m.cols(), QuantMode.INT8_ASYM, -1, kernels);
            case INT8_SYM -> WeightQuantizer.quantize(f, m.rows(), m.cols(), QuantMode.INT8_SYM, -1, kernels);
            case NONE -> WeightQuantizer.keepF32(f, m.rows(), m.cols(), kernels);
        };
    }
}
