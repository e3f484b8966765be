package io.quantwatch.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantwatch.engine.gguf.GgmlType;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model file claiming a 128 k context costs what the session is asked to hold, and absurd sizes are refused. */
class KvCacheSizingTest {

    @Test
    void aLongContextModelGetsACacheOfTheRequestedPositionsOnly(@TempDir Path dir) {
        Path file = dir.resolve("long-context.gguf");
        RandomLlamaGguf.write(new RandomLlamaGguf.Spec(32, 64, 2, 4, 2, 300, 131_072, 7, false), GgmlType.F32, file);
        LlamaModel model = LlamaModel.load(file);

        assertThat(model.config().contextLength()).isEqualTo(131_072);
        try (InferenceSession s = model.newSession(1, 300)) {
            assertThat(s.capacity()).isEqualTo(300);
        }
    }

    @Test
    void aCacheNoJavaArrayOrHeapHoldsIsRefusedWithItsSizes(@TempDir Path dir) {
        Path file = dir.resolve("tiny.gguf");
        RandomLlamaGguf.write(new RandomLlamaGguf.Spec(32, 64, 2, 4, 2, 300, 64, 7, false), GgmlType.F32, file);
        LlamaConfig c = LlamaModel.load(file).config();

        assertThat(InferenceSession.cacheFloats(c, 64)).isEqualTo(64 * c.kvDim());
        assertThatThrownBy(() -> InferenceSession.cacheFloats(c, Integer.MAX_VALUE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Integer.MAX_VALUE + " positions")
                .hasMessageContaining("GiB")
                .hasMessageContaining("engine.max-prompt-tokens");
        assertThatThrownBy(() -> InferenceSession.cacheFloats(c, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
