package io.quantwatch.engine.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantwatch.engine.generate.PairedScorer;
import io.quantwatch.engine.gguf.GgmlType;
import io.quantwatch.engine.model.InferenceSession;
import io.quantwatch.engine.model.LlamaModel;
import io.quantwatch.engine.model.RandomLlamaGguf;
import io.quantwatch.engine.model.TestModels;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A GGUF quantized elsewhere (here Q4_K / Q6_K files of the test model) is one more candidate, {@code file:<path>};
 * a file of another model is refused naming what differs.
 */
class CandidateModelsTest {
    @TempDir
    Path dir;

    @Test
    void aKQuantFileOfTheSameModelIsACandidate() {
        LlamaModel reference = LlamaModel.load(TestModels.smallF32());
        Path q4k = dir.resolve("small-q4_k.gguf");
        RandomLlamaGguf.write(RandomLlamaGguf.Spec.small(42), GgmlType.Q4_K, q4k);
        LlamaModel candidate = CandidateModels.build(reference, "file:" + q4k);
        assertThat(candidate.weights().layers().get(0).wq().format()).isEqualTo("Q4_K");
        try (InferenceSession r = reference.newSession(1, 128);
                InferenceSession c = candidate.newSession(1, 128)) {
            int[] prompt = reference.tokenizer().encode("the quick brown fox", true);
            int[] answer = reference.tokenizer().encode("jumps over the lazy dog again and again", false);
            PairedScorer.Comparison cmp = new PairedScorer(r, c).compare(prompt, answer);
            assertThat(cmp.meanKl()).isGreaterThan(0).isLessThan(5);
        }
        assertThat(CandidateModels.build(reference, "reference")).isSameAs(reference);
    }

    @Test
    void aFileOfAnotherModelOrNoFileIsRefusedSayingWhy() {
        LlamaModel reference = LlamaModel.load(TestModels.smallF32());
        Path otherVocabulary = dir.resolve("other-vocab.gguf");
        RandomLlamaGguf.write(RandomLlamaGguf.Spec.small(7), GgmlType.Q6_K, otherVocabulary);
        assertThatThrownBy(() -> CandidateModels.build(reference, "file:" + otherVocabulary))
                .hasMessageContaining("is not the reference's model in another format")
                .hasMessageContaining("token ");
        Path otherShape = dir.resolve("other-shape.gguf");
        RandomLlamaGguf.write(
                new RandomLlamaGguf.Spec(512, 768, 4, 8, 2, 1024, 512, 42, false), GgmlType.F32, otherShape);
        assertThatThrownBy(() -> CandidateModels.build(reference, "file:" + otherShape))
                .hasMessageContaining("embedding length 512 vs the reference's 256");
        assertThatThrownBy(() -> CandidateModels.checkRecipe(reference, "file:" + dir.resolve("missing.gguf")))
                .hasMessageContaining("missing.gguf not found");
        assertThatThrownBy(() -> CandidateModels.checkRecipe(reference, "file: "))
                .hasMessageContaining("names no file");
    }
}
