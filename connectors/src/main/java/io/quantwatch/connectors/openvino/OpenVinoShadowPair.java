package io.quantwatch.connectors.openvino;

import io.quantwatch.detectors.CandidateAnswer;
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
    private final boolean verifyCandidate;

    /**
     * @param candidateNpu the candidate's NPU settings, or null when it does not run on an NPU
     * @param verifyCandidate read the candidate's answer off the one-request teacher-forced pass over the reference's
     *     answer and decode only past the first divergence; the same answer as decoding alone wherever the device
     *     computes a position of a long request as it computes a single token (bit-for-bit on the CPU plugin's
     *     reference kernels; a device whose prefill kernels round differently can break a near tie differently)
     */
    public OpenVinoShadowPair(
            String referenceKey,
            CompiledLlm reference,
            CompiledLlm candidate,
            HfTokenizer tokenizer,
            OpenVinoModelFolder folder,
            NpuSettings candidateNpu,
            boolean verifyCandidate) {
        this.verifyCandidate = verifyCandidate;
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
        Greedy g = new Greedy(maxTokens, stops);
        try (CompiledLlm.Session s = llm.newSession()) {
            decodeFrom(g, s, lastRow(s.feed(prompt), prompt.length));
        }
        return g.output();
    }

    /** Steps {@code g} from {@code logits} on, feeding each chosen token to {@code s}, until the answer ends. */
    private static void decodeFrom(Greedy g, CompiledLlm.Session s, float[] logits) {
        while (g.step(logits)) {
            logits = lastRow(s.feed(new int[] {g.last()}), 1);
        }
    }

    /**
     * The candidate's answer and comparison from one request per model over prompt + the reference's answer: the
     * candidate's greedy choice is read off its teacher-forced rows while it agrees with the reference; past the
     * first disagreement a fresh request is fed the prompt and the answer so far and decodes on.
     */
    @Override
    public CandidateAnswer answerAndCompare(
            int[] prompt, DecodeOutput reference, int maxTokens, List<String> stops, Runnable teacherForcingStarts) {
        if (!verifyCandidate) {
            return ShadowPipelines.super.answerAndCompare(prompt, reference, maxTokens, stops, teacherForcingStarts);
        }
        int[] answer = reference.tokens();
        int n = answer.length;
        int p = prompt.length;
        PositionwiseDivergence divergence = new PositionwiseDivergence(n, TOP_K);
        Greedy g = new Greedy(maxTokens, stops);
        try (CompiledLlm.Session rs = this.reference.newSession();
                CompiledLlm.Session cs = candidate.newSession()) {
            int agreed = 0;
            float[] afterAnswer = null;
            if (n > 0) {
                int[] fed = new int[p + n];
                System.arraycopy(prompt, 0, fed, 0, p);
                System.arraycopy(answer, 0, fed, p, n);
                // The reference needs rows up to the answer's last token; the candidate one more, to go on from there.
                try (CompiledLlm.Logits refLogits = rs.feed(Arrays.copyOf(fed, p + n - 1));
                        CompiledLlm.Logits candLogits = cs.feed(fed)) {
                    float[] r = new float[refLogits.vocab()];
                    float[] c = new float[candLogits.vocab()];
                    for (int i = 0; i < n; i++) {
                        divergence.add(i, refLogits.row(p - 1 + i, r), candLogits.row(p - 1 + i, c), answer[i]);
                        if (agreed == i && g.step(c) && g.last() == answer[i]) {
                            agreed++;
                        }
                    }
                    if (agreed == n) {
                        afterAnswer = candLogits.row(p - 1 + n, c);
                    }
                }
            }
            if (!g.ended()) {
                if (afterAnswer != null) {
                    decodeFrom(g, cs, afterAnswer); // cs holds exactly prompt + the answer so far
                } else {
                    int[] soFar = g.tokens();
                    int[] fed = Arrays.copyOf(prompt, p + soFar.length);
                    System.arraycopy(soFar, 0, fed, p, soFar.length);
                    try (CompiledLlm.Session fresh = candidate.newSession()) {
                        decodeFrom(g, fresh, lastRow(fresh.feed(fed), fed.length));
                    }
                }
            }
        }
        return new CandidateAnswer(g.output(), toScores(divergence.result()));
    }

    /** One greedy answer in progress over full logits: the loop both decodes share, so both end it alike. */
    private final class Greedy {
        private final int maxTokens;
        private final List<String> stops;
        private final int[] out;
        private final List<TopToken[]> steps = new ArrayList<>();
        private int n;
        private boolean ended;
        private FinishReason finish = FinishReason.MAX_TOKENS;

        Greedy(int maxTokens, List<String> stops) {
            this.maxTokens = Math.max(0, maxTokens);
            this.stops = stops;
            this.out = new int[this.maxTokens];
        }

        /** Takes the logits after the last token; true when the answer goes on with {@link #last()} fed next. */
        boolean step(float[] logits) {
            if (ended || n >= maxTokens) {
                ended = true;
                return false;
            }
            int next = LogitStats.argmax(logits);
            TokenLogprob[] top = LogitStats.topK(logits, TOP_K, LogitStats.logSumExp(logits));
            steps.add(Arrays.stream(top)
                    .map(t -> new TopToken(t.token(), t.logprob()))
                    .toArray(TopToken[]::new));
            if (isEos(next)) {
                finish = FinishReason.EOS;
                ended = true;
                return false;
            }
            out[n++] = next;
            if (!stops.isEmpty()) {
                String text = tokenizer.decode(Arrays.copyOf(out, n));
                if (stops.stream().anyMatch(text::endsWith)) {
                    finish = FinishReason.STOP_SEQUENCE;
                    ended = true;
                    return false;
                }
            }
            ended = n == maxTokens;
            return !ended;
        }

        int last() {
            return out[n - 1];
        }

        boolean ended() {
            return ended;
        }

        int[] tokens() {
            return Arrays.copyOf(out, n);
        }

        DecodeOutput output() {
            int[] tokens = tokens();
            return new DecodeOutput(tokens, tokenizer.decode(tokens), finish, steps);
        }
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
        return toScores(divergence.result());
    }

    private static TeacherForcedScores toScores(PairedScorer.Comparison c) {
        return new TeacherForcedScores(
                c.kl(), c.sameTop1(), c.deltaP(), c.referenceLogprob(), c.candidateLogprob(), c.candidateTopIds());
    }

    @Override
    public void close() {
        // Compiled models and the tokenizer are shared through OpenVinoPipelines' per-JVM caches; requests are closed
        // per call.
    }
}
