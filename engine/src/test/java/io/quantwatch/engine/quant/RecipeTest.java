package io.quantwatch.engine.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantwatch.engine.generate.GreedyDecoder;
import io.quantwatch.engine.model.InferenceSession;
import io.quantwatch.engine.model.LlamaModel;
import io.quantwatch.engine.model.TestModels;
import java.util.Comparator;
import java.util.List;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Recipe strings, NNCF's layer policy and ratio selection, and packed kernels against their dequantized twin. */
class RecipeTest {
    static LlamaModel f32;

    @BeforeAll
    static void load() {
        f32 = LlamaModel.load(TestModels.smallF32());
    }

    @Test
    void parsesTheRecipesOptimumCliUsersWrite() {
        assertThat(QuantRecipe.parse("int8 sym"))
                .isEqualTo(new QuantRecipe(QuantMode.INT8_SYM, -1, 1.0, false, QuantRecipe.Backup.INT8_SYM));
        assertThat(QuantRecipe.parse("int4 sym group=128 ratio=0.8"))
                .isEqualTo(new QuantRecipe(QuantMode.INT4_SYM, 128, 0.8, false, QuantRecipe.Backup.INT8_SYM));
        assertThat(QuantRecipe.parse("int4 sym group=-1").groupSize()).isEqualTo(-1);
        assertThat(QuantRecipe.parse("int4").mode())
                .isEqualTo(QuantMode.INT4_ASYM); // optimum-cli's default is asymmetric
        assertThat(QuantRecipe.parse("int4").backup()).isEqualTo(QuantRecipe.Backup.INT8_ASYM);
        assertThat(QuantRecipe.parse("nf4"))
                .isEqualTo(new QuantRecipe(QuantMode.NF4, 128, 1.0, false, QuantRecipe.Backup.INT8_ASYM));
        assertThat(QuantRecipe.parse("fp8_e4m3").groupSize()).isEqualTo(-1);
        assertThat(QuantRecipe.parse("INT4 SYM group_size=64 all_layers backup=none")
                        .backup())
                .isEqualTo(QuantRecipe.Backup.NONE);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "int3",
                "int4 symmetric",
                "int4 group=abc",
                "int4 ratio=1.5",
                "",
                "int8 ratio=0.5",
                "int4 backup=fp16"
            })
    void badRecipesAreRefusedWithTheGrammar(String text) {
        assertThatThrownBy(() -> QuantRecipe.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).containsAnyOf("int8, int4, nf4, fp8_e4m3", "ratio"));
    }

    @Test
    void asymmetric4BitRecipesAreRefusedForNpuWithTheReason() {
        assertThatThrownBy(() -> QuantRecipe.parse("int4 asym group=128").requireSupportedOn("NPU"))
                .hasMessageContaining("zero point of 0")
                .hasMessageContaining("int4 sym");
        QuantRecipe.parse("int4 sym group=128").requireSupportedOn("NPU");
        QuantRecipe.parse("int4 asym group=128").requireSupportedOn("CPU");
    }

    @Test
    void fourBitKeepsEmbeddingsAndOutputInTheBackupPrecision() {
        RecipeApplier.Result r = RecipeApplier.apply(f32, QuantRecipe.parse("int4 sym group=128"));
        assertThat(r.model().weights().tokenEmbedding().format()).isEqualTo("INT8_SYM per-channel");
        assertThat(r.model().weights().output().format()).isEqualTo("INT8_SYM per-channel");
        assertThat(r.model().weights().layers().get(0).wq().format()).isEqualTo("INT4_SYM g128");
        RecipeApplier.Result all = RecipeApplier.apply(f32, QuantRecipe.parse("int4 sym group=128 all_layers"));
        assertThat(all.model().weights().output().format()).isEqualTo("INT4_SYM g128");
        RecipeApplier.Result int8 = RecipeApplier.apply(f32, QuantRecipe.parse("int8 asym"));
        assertThat(int8.model().weights().tokenEmbedding().format()).isEqualTo("INT8_ASYM per-channel");
    }

    @Test
    void ratioPutsTheLayersWithTheHighestInt8ErrorIn4BitUntilTheRatio() {
        RecipeApplier.Result r = RecipeApplier.apply(f32, QuantRecipe.parse("int4 sym group=128 ratio=0.5"));
        List<RecipeApplier.LayerAssignment> layers = r.assignments().stream()
                .filter(a -> a.tensor().startsWith("blk."))
                .toList();
        long total = layers.stream()
                .mapToLong(RecipeApplier.LayerAssignment::weights)
                .sum();
        long primary = layers.stream()
                .filter(RecipeApplier.LayerAssignment::primary)
                .mapToLong(RecipeApplier.LayerAssignment::weights)
                .sum();
        assertThat((double) primary / total).isLessThan(0.5).isGreaterThan(0.2);
        double lowestPrimary = layers.stream()
                .filter(RecipeApplier.LayerAssignment::primary)
                .mapToDouble(RecipeApplier.LayerAssignment::int8AsymError)
                .min()
                .orElseThrow();
        // Every backup layer ranked below the chosen ones, except the one that would have crossed the ratio.
        List<RecipeApplier.LayerAssignment> backups = layers.stream()
                .filter(a -> !a.primary())
                .sorted(Comparator.comparingDouble(RecipeApplier.LayerAssignment::int8AsymError)
                        .reversed())
                .toList();
        assertThat(backups.get(0).weights() + primary)
                .as("the first left-out layer would cross the ratio")
                .isGreaterThanOrEqualTo((long) Math.ceil(0.5 * total));
        assertThat(backups.stream()
                        .skip(1)
                        .mapToDouble(RecipeApplier.LayerAssignment::int8AsymError)
                        .max()
                        .orElse(0))
                .isLessThanOrEqualTo(lowestPrimary);
        assertThat(layers.stream().filter(a -> !a.primary()).map(RecipeApplier.LayerAssignment::format))
                .containsOnly("INT8_SYM per-channel");
    }

    @ParameterizedTest
    @ValueSource(strings = {"int8 sym", "int8 asym", "int4 sym group=128", "int4 asym group=-1", "nf4", "fp8_e4m3"})
    void packedKernelsGiveTheLogitsOfTheirDequantizedTwin(String recipe) {
        LlamaModel packed = RecipeApplier.apply(f32, QuantRecipe.parse(recipe)).model();
        LlamaModel unpacked = TestModels.unpacked(packed);
        int[] prompt = f32.tokenizer().encode("packed versus unpacked", true);
        try (InferenceSession a = packed.newSession(1, 64);
                InferenceSession b = unpacked.newSession(1, 64)) {
            float[] la = null;
            float[] lb = null;
            for (int t : prompt) {
                la = a.forward(t).clone();
                lb = b.forward(t).clone();
            }
            for (int i = 0; i < la.length; i++) {
                assertThat(la[i])
                        .as("%s logit %d", recipe, i)
                        .isCloseTo(lb[i], Assertions.within(1e-3f + 1e-4f * Math.abs(lb[i])));
            }
            int[] ga = new GreedyDecoder(a, 0).generate(prompt, 32, List.of()).tokens();
            int[] gb = new GreedyDecoder(b, 0).generate(prompt, 32, List.of()).tokens();
            assertThat(ga).containsExactly(gb);
        }
    }

    @Test
    void fourBitWeightsTakeAboutAQuarterOfF16() {
        LlamaModel int4 = RecipeApplier.apply(f32, QuantRecipe.parse("int4 sym group=128 all_layers"))
                .model();
        double ratio = (double) int4.weights().storageBytes() / (f32.weights().storageBytes() / 2.0);
        assertThat(ratio).isBetween(0.25, 0.30);
    }
}
