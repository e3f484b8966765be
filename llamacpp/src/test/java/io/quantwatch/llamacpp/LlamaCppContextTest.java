package io.quantwatch.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The binding on the bundled demo model: greedy and teacher-forced paths agree, deadlines stop a decode, refusals say why. */
class LlamaCppContextTest {
    private static final Path DEMO = Path.of("../models/quantwatch-demo-f16.gguf");

    private static LlamaCppModel model;

    @BeforeAll
    static void load() {
        model = LlamaCppModel.load(DEMO);
    }

    @AfterAll
    static void free() {
        model.close();
    }

    private static int[] prompt(String text) {
        return model.tokenize(text.getBytes(StandardCharsets.UTF_8), true, false);
    }

    @Test
    void teacherForcedLogitsPredictTheGreedyAnswer() {
        try (LlamaCppContext context = model.newContext(LlamaCppContext.Settings.exact(256, 1))) {
            int[] prompt = prompt("Return the order as JSON: {\"id\": 17, \"items\": [");
            LlamaCppContext.GreedyAnswer answer = context.greedy(prompt, 40);
            assertThat(answer.tokens()).isNotEmpty();
            List<Integer> argmaxes = new ArrayList<>();
            context.teacherForced(prompt, answer.tokens(), (position, logits) -> {
                assertThat(position).isEqualTo(argmaxes.size());
                argmaxes.add(LlamaCppContext.argmax(logits));
            });
            assertThat(argmaxes).hasSize(answer.tokens().length);
            assertThat(argmaxes.stream().mapToInt(Integer::intValue).toArray()).containsExactly(answer.tokens());
        }
    }

    @Test
    void teacherForcingSpansSeveralBatches() {
        // Batches of 8 tokens: the prompt and the answer cross batch boundaries, and rows still come in order.
        LlamaCppContext.Settings small = new LlamaCppContext.Settings(256, 8, 1, true, false);
        try (LlamaCppContext context = model.newContext(small)) {
            int[] prompt = prompt("A long prompt that does not fit in one batch of eight tokens, by design.");
            LlamaCppContext.GreedyAnswer answer = context.greedy(prompt, 30);
            List<Integer> argmaxes = new ArrayList<>();
            context.teacherForced(
                    prompt, answer.tokens(), (position, logits) -> argmaxes.add(LlamaCppContext.argmax(logits)));
            assertThat(argmaxes.stream().mapToInt(Integer::intValue).toArray()).containsExactly(answer.tokens());
        }
    }

    @Test
    void anInterruptStopsADecode() {
        try (LlamaCppContext context = model.newContext(LlamaCppContext.Settings.exact(256, 1))) {
            int[] prompt = prompt("Count to twenty:");
            Thread.currentThread().interrupt();
            try {
                assertThatThrownBy(() -> context.greedy(prompt, 20))
                        .isInstanceOf(LlamaCppAbortedException.class)
                        .hasMessageContaining("interrupted");
            } finally {
                Thread.interrupted();
            }
            assertThat(context.greedy(prompt, 5).tokens()).hasSize(5);
        }
    }

    @Test
    void rewindingResumesAsIfTheDroppedTokensWereNeverFed() {
        try (LlamaCppContext context = model.newContext(LlamaCppContext.Settings.exact(256, 1))) {
            int[] prompt = prompt("Return the order as JSON:");
            int[] answer = context.greedy(prompt, 12).tokens();
            // Feed the prompt and a wrong token, rewind over it, then continue with the answer's first token.
            context.reset();
            context.prefill(prompt, 0, prompt.length);
            context.forward((answer[0] + 1) % model.vocabularySize());
            context.rewind(prompt.length);
            float[] logits = context.forward(answer[0]);
            assertThat(LlamaCppContext.argmax(logits)).isEqualTo(answer[1]);
        }
    }

    @Test
    void aDeadlineStopsADecodeAndTheContextStaysUsable() {
        try (LlamaCppContext context = model.newContext(LlamaCppContext.Settings.exact(256, 1))) {
            int[] prompt = prompt("Count to twenty:");
            int[] expected = context.greedy(prompt, 20).tokens();
            context.deadline(System.nanoTime() - 1);
            assertThatThrownBy(() -> context.greedy(prompt, 20))
                    .isInstanceOf(LlamaCppAbortedException.class)
                    .hasMessageContaining("deadline");
            context.deadline(Long.MAX_VALUE);
            assertThat(context.greedy(prompt, 20).tokens()).containsExactly(expected);
        }
    }

    @Test
    void aVocabularyOnlyModelTokenizesButDoesNotDecode() {
        try (LlamaCppModel vocabulary = LlamaCppModel.loadVocabulary(DEMO)) {
            byte[] text = "Hello, world".getBytes(StandardCharsets.UTF_8);
            assertThat(vocabulary.tokenize(text, true, false)).containsExactly(model.tokenize(text, true, false));
            assertThatThrownBy(() -> vocabulary.newContext(LlamaCppContext.Settings.exact(64, 1)))
                    .hasMessageContaining("vocabulary only");
        }
    }

    @Test
    void aFileLlamaCppRefusesIsReportedWithItsReason(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.gguf");
        Files.write(bad, "GGUF but not really a model".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> LlamaCppModel.load(bad))
                .isInstanceOf(LlamaCppException.class)
                .hasMessageContaining("refused " + bad)
                .hasMessageContaining("gguf");
    }

    @Test
    void aPromptLongerThanTheContextIsRefusedBeforeDecoding() {
        try (LlamaCppContext context = model.newContext(LlamaCppContext.Settings.exact(16, 1))) {
            assertThatThrownBy(() -> context.greedy(prompt("one two three four five six seven eight nine ten"), 10))
                    .hasMessageContaining("do not fit the context of 16");
        }
    }

    @Test
    void llamaCppsQuantizerWritesTheFilesTeamsServe(@TempDir Path dir) {
        for (LlamaCppQuantizer.FileType type :
                new LlamaCppQuantizer.FileType[] {LlamaCppQuantizer.FileType.Q8_0, LlamaCppQuantizer.FileType.Q4_K_M}) {
            Path out = dir.resolve("demo-" + type + ".gguf");
            LlamaCppQuantizer.quantize(DEMO, out, type, 2);
            try (LlamaCppModel quantized = LlamaCppModel.load(out);
                    LlamaCppContext context = quantized.newContext(LlamaCppContext.Settings.exact(128, 1))) {
                assertThat(quantized.metadata("general.file_type")).isEqualTo(String.valueOf(type.value));
                assertThat(quantized.vocabularySize()).isEqualTo(model.vocabularySize());
                assertThat(context.greedy(prompt("Hello"), 8).tokens()).isNotEmpty();
            }
        }
        assertThatThrownBy(() -> LlamaCppQuantizer.quantize(
                        dir.resolve("missing.gguf"), dir.resolve("x.gguf"), LlamaCppQuantizer.FileType.Q8_0, 1))
                .hasMessageContaining("no GGUF file");
    }
}
