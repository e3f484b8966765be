package io.quantwatch.connectors.openvino;

import io.quantwatch.detectors.DecodeOutput;
import io.quantwatch.detectors.FinishReason;
import io.quantwatch.detectors.TeacherForcedScores;
import io.quantwatch.detectors.TopToken;
import io.quantwatch.detectors.port.ShadowPipelines;
import io.quantwatch.engine.generate.LogitStats;
import io.quantwatch.engine.generate.PairedScorer;
import io.quantwatch.engine.generate.PositionwiseDivergence;
import io.quantwatch.engine.generate.TokenLogprob;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The openvino backend of the pipeline port: a reference IR (typically FP16 on CPU) and a candidate
 * IR (e.g. INT4 on NPU) with the same tokenizer. Generation is greedy over full logits; teacher
 * forcing feeds prompt + reference tokens to both in one request each and compares every position
 * exactly. Each call uses fresh infer requests, so no state leaks between prompts.
 */
public final class OpenVinoShadowPair implements ShadowPipelines {
    private static final int TOP_K = 10;

    private final String referenceKey;
    private final CompiledLlm reference;
    private final CompiledLlm candidate;
    private final HfTokenizer tokenizer;
    private final int[] eos;
    private final int contextLength;
    private final NpuSettings candidateNpu;

    /** @param candidateNpu the candidate's NPU settings, or null when it does not run on an NPU */
    public OpenVinoShadowPair(
            String referenceKey,
            CompiledLlm reference,
            CompiledLlm candidate,
            HfTokenizer tokenizer,
            OpenVinoModelFolder folder,
            NpuSettings candidateNpu) {
        this.referenceKey = referenceKey;
        this.reference = reference;
        this.candidate = candidate;
        this.tokenizer = tokenizer;
        this.eos = folder.eosTokenIds();
        this.contextLength = folder.contextLength();
        this.candidateNpu = candidateNpu;
    }

    @Override
    public String referenceKey() {
        return referenceKey;
    }

    @Override
    public int[] encodePrompt(String prompt) {
        return tokenizer.encode(prompt);
    }

    @Override
    public Optional<String> cannotTake(int[] promptTokens, int maxTokens) {
        if (candidateNpu != null && promptTokens.length > candidateNpu.maxPromptLen()) {
            return Optional.of("prompt is " + promptTokens.length
                    + " tokens; the NPU candidate is compiled for at most " + candidateNpu.maxPromptLen()
                    + " (raise npu.max-prompt-len, at the cost of NPU memory and compile time)");
        }
        return Optional.empty();
    }

    @Override
    public int contextLength() {
        return contextLength;
    }

    @Override
    public DecodeOutput generateReference(int[] prompt, int maxTokens, List<String> stops) {
        return generate(reference, prompt, maxTokens, stops);
    }

    @Override
    public DecodeOutput generateCandidate(int[] prompt, int maxTokens, List<String> stops) {
        return generate(candidate, prompt, maxTokens, stops);
    }

    private DecodeOutput generate(CompiledLlm llm, int[] prompt, int maxTokens, List<String> stops) {
        int[] out = new int[maxTokens];
        int n = 0;
        List<TopToken[]> steps = new ArrayList<>();
        FinishReason finish = FinishReason.MAX_TOKENS;
        try (CompiledLlm.Session s = llm.newSession()) {
            float[] logits = lastRow(s.feed(prompt), prompt.length);
            while (n < maxTokens) {
                int next = LogitStats.argmax(logits);
                TokenLogprob[] top = LogitStats.topK(logits, TOP_K, LogitStats.logSumExp(logits));
                steps.add(Arrays.stream(top)
                        .map(t -> new TopToken(t.token(), t.logprob()))
                        .toArray(TopToken[]::new));
                if (isEos(next)) {
                    finish = FinishReason.EOS;
                    break;
                }
                out[n++] = next;
                if (!stops.isEmpty()) {
                    String text = tokenizer.decode(Arrays.copyOf(out, n));
                    if (stops.stream().anyMatch(text::endsWith)) {
                        finish = FinishReason.STOP_SEQUENCE;
                        break;
                    }
                }
                if (n == maxTokens) {
                    break;
                }
                logits = lastRow(s.feed(new int[] {next}), 1);
            }
        }
        int[] tokens = Arrays.copyOf(out, n);
        return new DecodeOutput(tokens, tokenizer.decode(tokens), finish, steps);
    }

    private static float[] lastRow(CompiledLlm.Logits logits, int fed) {
        try (logits) {
            return logits.row(fed - 1, new float[logits.vocab()]);
        }
    }

    private boolean isEos(int token) {
        for (int e : eos) {
            if (e == token) {
                return true;
            }
        }
        return false;
    }

    @Override
    public TeacherForcedScores teacherForce(int[] prompt, int[] referenceTokens) {
        int n = referenceTokens.length;
        int[] fed = new int[prompt.length + Math.max(0, n - 1)];
        System.arraycopy(prompt, 0, fed, 0, prompt.length);
        System.arraycopy(referenceTokens, 0, fed, prompt.length, Math.max(0, n - 1));
        PositionwiseDivergence divergence = new PositionwiseDivergence(n, TOP_K);
        if (n > 0) {
            try (CompiledLlm.Session rs = reference.newSession();
                    CompiledLlm.Session cs = candidate.newSession();
                    CompiledLlm.Logits refLogits = rs.feed(fed);
                    CompiledLlm.Logits candLogits = cs.feed(fed)) {
                float[] r = new float[refLogits.vocab()];
                float[] c = new float[candLogits.vocab()];
                for (int i = 0; i < n; i++) {
                    int row = prompt.length - 1 + i;
                    divergence.add(i, refLogits.row(row, r), candLogits.row(row, c), referenceTokens[i]);
                }
            }
        }
        PairedScorer.Comparison cmp = divergence.result();
        return new TeacherForcedScores(
                cmp.kl(),
                cmp.sameTop1(),
                cmp.deltaP(),
                cmp.referenceLogprob(),
                cmp.candidateLogprob(),
                cmp.candidateTopIds());
    }

    @Override
    public void close() {
        // Compiled models and the tokenizer are shared through OpenVinoPipelines' per-JVM caches; requests are closed
        // per call.
    }
}
