package io.quantwatch.connectors.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantwatch.connectors.engine.ReferenceLogits;
import io.quantwatch.detectors.CandidateAnswer;
import io.quantwatch.detectors.DecodeOutput;
import io.quantwatch.detectors.port.ShadowPipelines;
import io.quantwatch.engine.gguf.GgmlType;
import io.quantwatch.engine.model.RandomLlamaGguf;
import io.quantwatch.llamacpp.LlamaCppQuantizer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backend: llama.cpp} on the bundled model: the engine's F16 reference against llama.cpp running the same file
 * (the A/A floor between the runtimes) and running the Q4_K_M file llama.cpp's own quantizer makes of it.
 */
class LlamaCppPipelinesTest {
    private static final Path DEMO = Path.of("../models/quantwatch-demo-f16.gguf");
    private static final List<String> PROMPTS = List.of(
            "Return the order as JSON:",
            "Summarize: the shipment left Rotterdam on Monday and arrived two days late.",
            "{\"tool\": \"transfer\", \"arguments\": {\"amount\": ",
            "Write a haiku about quantization.",
            "List three prime numbers:",
            "Translate to French: good morning");

    @TempDir
    static Path dir;

    static Path q4km;

    @BeforeAll
    static void quantize() {
        q4km = dir.resolve("demo-Q4_K_M.gguf");
        LlamaCppQuantizer.quantize(DEMO, q4km, LlamaCppQuantizer.FileType.Q4_K_M, 2);
    }

    private static ShadowPipelines pair(String recipe, boolean f32Cache, boolean verify) {
        return LlamaCppPipelines.pair(
                DEMO,
                recipe,
                new LlamaCppPipelines.Settings(1, f32Cache, false),
                1,
                512,
                verify,
                new ReferenceLogits());
    }

    private static double mean(double[] values) {
        return values.length == 0 ? 0 : Arrays.stream(values).average().orElse(0);
    }

    @Test
    void llamaCppRunningTheReferenceFileAnswersAsTheEngineDoes() {
        double maxKl = 0;
        int identical = 0;
        try (ShadowPipelines aa = pair("reference", true, true)) {
            for (String p : PROMPTS) {
                int[] prompt = aa.encodePrompt(p);
                DecodeOutput reference = aa.generateReference(prompt, 48, List.of());
                CandidateAnswer candidate = aa.answerAndCompare(prompt, reference, 48, List.of(), () -> {});
                identical +=
                        Arrays.equals(reference.tokens(), candidate.answer().tokens()) ? 1 : 0;
                maxKl = Math.max(
                        maxKl, Arrays.stream(candidate.forced().kl()).max().orElse(0));
            }
        }
        System.out.printf(
                "llama.cpp F16 vs engine F16 (F32 KV cache): %d/%d answers identical, max KL %.3g nats%n",
                identical, PROMPTS.size(), maxKl);
        assertThat(identical).isEqualTo(PROMPTS.size());
        assertThat(maxKl).isLessThan(1e-3);
    }

    @Test
    void theFloorOfAServersSettingsIsMeasured() {
        // llama-server's defaults: F16 KV cache, flash attention auto. Not bit-comparable; the floor is printed.
        double kl = 0;
        double maxKl = 0;
        int identical = 0;
        try (ShadowPipelines aa = LlamaCppPipelines.pair(
                DEMO,
                "reference",
                new LlamaCppPipelines.Settings(1, false, true),
                1,
                512,
                true,
                new ReferenceLogits())) {
            for (String p : PROMPTS) {
                int[] prompt = aa.encodePrompt(p);
                DecodeOutput reference = aa.generateReference(prompt, 48, List.of());
                CandidateAnswer candidate = aa.answerAndCompare(prompt, reference, 48, List.of(), () -> {});
                identical +=
                        Arrays.equals(reference.tokens(), candidate.answer().tokens()) ? 1 : 0;
                kl += mean(candidate.forced().kl());
                maxKl = Math.max(
                        maxKl, Arrays.stream(candidate.forced().kl()).max().orElse(0));
            }
        }
        System.out.printf(
                "llama.cpp F16 vs engine F16 (F16 KV cache, flash attention auto): %d/%d answers identical,"
                        + " mean KL %.3g, max KL %.3g nats%n",
                identical, PROMPTS.size(), kl / PROMPTS.size(), maxKl);
        assertThat(kl / PROMPTS.size())
                .as("a floor, far below a quantized candidate's")
                .isLessThan(1e-3);
    }

    @Test
    void aQ4KmCandidateIsComparedAndItsVerifiedAnswerIsItsOwnGreedyAnswer() {
        double kl = 0;
        int diverged = 0;
        try (ShadowPipelines verified = pair("file:" + q4km, false, true);
                ShadowPipelines plain = pair("file:" + q4km, false, false)) {
            for (String p : PROMPTS) {
                int[] prompt = verified.encodePrompt(p);
                DecodeOutput reference = verified.generateReference(prompt, 48, List.of());
                CandidateAnswer fast = verified.answerAndCompare(prompt, reference, 48, List.of(), () -> {});
                CandidateAnswer slow = plain.answerAndCompare(prompt, reference, 48, List.of(), () -> {});
                assertThat(fast.answer().tokens())
                        .as("verified decoding of '%s' gives llama.cpp's own greedy answer", p)
                        .containsExactly(slow.answer().tokens());
                kl += mean(fast.forced().kl());
                diverged += Arrays.equals(reference.tokens(), fast.answer().tokens()) ? 0 : 1;
            }
        }
        System.out.printf(
                "llama.cpp Q4_K_M vs engine F16: mean KL %.4f nats, %d/%d answers diverged%n",
                kl / PROMPTS.size(), diverged, PROMPTS.size());
        assertThat(kl / PROMPTS.size()).isGreaterThan(1e-4);
    }

    @Test
    void anInterruptedComparisonStopsInsideLlamaCpp() {
        try (ShadowPipelines q = pair("file:" + q4km, false, false)) {
            int[] prompt = q.encodePrompt(PROMPTS.get(0));
            DecodeOutput reference = q.generateReference(prompt, 32, List.of());
            Thread.currentThread().interrupt();
            try {
                assertThatThrownBy(() -> q.answerAndCompare(prompt, reference, 32, List.of(), () -> {}))
                        .isInstanceOf(CancellationException.class);
            } finally {
                Thread.interrupted();
            }
            // The pair is usable again for the next prompt.
            assertThat(q.answerAndCompare(prompt, reference, 32, List.of(), () -> {})
                            .answer()
                            .tokens())
                    .isNotEmpty();
        }
    }

    @Test
    void aGgufOfAnotherModelIsRefusedNamingTheToken() {
        Path other = dir.resolve("other.gguf");
        RandomLlamaGguf.write(RandomLlamaGguf.Spec.small(7), GgmlType.F32, other);
        assertThatThrownBy(() -> LlamaCppPipelines.check(DEMO, "file:" + other))
                .hasMessageContaining("a candidate must be a quantization of the reference's model");
        assertThatThrownBy(() -> LlamaCppPipelines.check(DEMO, "int4 sym group=128"))
                .hasMessageContaining("a llama.cpp candidate runs a GGUF file");
        assertThatThrownBy(() -> LlamaCppPipelines.check(DEMO, "file:" + dir.resolve("missing.gguf")))
                .hasMessageContaining("no such file");
    }
}
