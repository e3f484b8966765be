package io.quantwatch.engine.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantwatch.engine.gguf.GgmlType;
import io.quantwatch.engine.model.LlamaModel;
import io.quantwatch.engine.model.RandomLlamaGguf;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A group size that does not divide a weight's row length is decided before any weight is quantized: refused naming
 * the tensor, its shape and the recipe (the default, as optimum-cli's {@code --group-size-fallback error}), or that
 * weight kept in the backup precision ({@code ignore}), or quantized with the largest group of at least 32 that
 * divides its row ({@code adjust}).
 */
class GroupFallbackTest {
    // dim 96 (rows of 96 for attention and gate/up), hidden 192 (ffn_down rows of 192): group 64 fits only ffn_down.
    private static final RandomLlamaGguf.Spec SHAPE = new RandomLlamaGguf.Spec(96, 192, 1, 4, 2, 300, 64, 3, false);

    @TempDir
    static Path dir;

    private static LlamaModel model;

    @BeforeAll
    static void write() {
        Path f = dir.resolve("rows96.gguf");
        RandomLlamaGguf.write(SHAPE, GgmlType.F32, f);
        model = LlamaModel.load(f);
    }

    private static Map<String, String> formats(String recipe) {
        return RecipeApplier.apply(model, QuantRecipe.parse(recipe)).assignments().stream()
                .collect(
                        Collectors.toMap(RecipeApplier.LayerAssignment::tensor, RecipeApplier.LayerAssignment::format));
    }

    @Test
    void byDefaultTheRecipeIsRefusedNamingTensorShapeAndRecipe() {
        assertThatThrownBy(() -> RecipeApplier.apply(model, QuantRecipe.parse("int4 sym group=64")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("recipe 'int4 sym group=64")
                .hasMessageContaining("tensor 'blk.0.attn_q.weight' [96 x 96]")
                .hasMessageContaining("group_fallback=adjust");
    }

    @Test
    void adjustUsesTheLargestDivisorOfAtLeast32() {
        Map<String, String> f = formats("int4 sym group=64 group_fallback=adjust");
        assertThat(f.get("blk.0.attn_q.weight")).endsWith("g48");
        assertThat(f.get("blk.0.ffn_gate.weight")).endsWith("g48");
        assertThat(f.get("blk.0.ffn_down.weight")).endsWith("g64");
    }

    @Test
    void ignoreKeepsThoseWeightsInTheBackupPrecision() {
        Map<String, String> f = formats("int4 sym group=64 group_fallback=ignore");
        assertThat(f.get("blk.0.attn_q.weight")).isEqualTo(formats("int8 sym").get("blk.0.attn_q.weight"));
        assertThat(f.get("blk.0.ffn_down.weight")).endsWith("g64");
    }

    @Test
    void adjustFallsBackToTheBackupWhenNoGroupOf32OrMoreDivides() {
        // 96 has no divisor in [32, 31]: group=32 already fits, so ask for 31 to force the search below 32.
        Map<String, String> f = formats("int4 sym group=31 group_fallback=adjust");
        assertThat(f.get("blk.0.attn_q.weight")).isEqualTo(formats("int8 sym").get("blk.0.attn_q.weight"));
    }

    @Test
    void theFallbackIsPartOfTheRecipesText() {
        assertThat(QuantRecipe.parse("int4 sym group=64 group_fallback=adjust").toString())
                .isEqualTo("int4 sym group=64 backup=int8_sym group_fallback=adjust");
        assertThat(QuantRecipe.parse("int4 sym").groupFallback()).isEqualTo(QuantRecipe.GroupFallback.ERROR);
        assertThatThrownBy(() -> QuantRecipe.parse("int4 group_fallback=maybe"))
                .hasMessageContaining("group_fallback=maybe");
    }
}
