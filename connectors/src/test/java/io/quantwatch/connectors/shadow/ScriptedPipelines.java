package io.quantwatch.connectors.shadow;

import io.quantwatch.detectors.DecodeOutput;
import io.quantwatch.detectors.FinishReason;
import io.quantwatch.detectors.TeacherForcedScores;
import io.quantwatch.detectors.port.ShadowPipelines;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test double of the pipeline port that behaves as scripted: slow (sleeps per prompt), failing or hanging
 * on prompts holding a marker word, or handing the detectors malformed scores. Words are tokens, so every
 * pair of a group sees the markers whichever pair encoded the prompt. Shared with the jobs tests (test jar).
 */
public final class ScriptedPipelines implements ShadowPipelines {
    /** A prompt word that makes a {@code failOnMarker} candidate throw. */
    public static final String FAIL = "FAILMARK";
    /** A prompt word that makes a {@code hangOnMarker} candidate block, ignoring interrupts, until {@link #releaseHung()}. */
    public static final String HANG = "HANGMARK";
    /** A prompt word that makes a {@code badScoresOnMarker} candidate return scores the detectors choke on. */
    public static final String BAD_SCORES = "BADSCORESMARK";

    private static final int FAIL_ID = 900;
    private static final int HANG_ID = 901;
    private static final int BAD_ID = 902;

    private static volatile CountDownLatch hung = new CountDownLatch(1);
    private static final AtomicInteger HUNG_NOW = new AtomicInteger();

    /** How a candidate behaves. {@code sleepMillis} is spent in the candidate's decode (interruptibly, like the engine). */
    public record Script(long sleepMillis, boolean failOnMarker, boolean hangOnMarker, boolean badScoresOnMarker)
            implements Serializable {
        public static Script healthy() {
            return new Script(0, false, false, false);
        }

        public static Script sleeping(long millis) {
            return new Script(millis, false, false, false);
        }
    }

    private final Script script;

    public ScriptedPipelines(Script script) {
        this.script = script;
    }

    /** Lets every hung call return, and arms the next hang. */
    public static void releaseHung() {
        CountDownLatch old = hung;
        hung = new CountDownLatch(1);
        old.countDown();
    }

    /** Calls blocked on {@link #HANG} right now. */
    public static int hungNow() {
        return HUNG_NOW.get();
    }

    @Override
    public String referenceKey() {
        return "scripted";
    }

    @Override
    public int[] encodePrompt(String prompt) {
        String[] words = prompt.trim().split("\\s+");
        int[] ids = new int[words.length + 1];
        ids[0] = 1; // BOS
        for (int i = 0; i < words.length; i++) {
            ids[i + 1] = switch (words[i]) {
                case FAIL -> FAIL_ID;
                case HANG -> HANG_ID;
                case BAD_SCORES -> BAD_ID;
                default -> 3 + Math.floorMod(words[i].hashCode(), 800);
            };
        }
        return ids;
    }

    @Override
    public Optional<String> cannotTake(int[] promptTokens, int maxTokens) {
        return Optional.empty();
    }

    @Override
    public int contextLength() {
        return 512;
    }

    @Override
    public DecodeOutput generateReference(int[] prompt, int maxTokens, List<String> stops) {
        return answer(prompt, maxTokens);
    }

    @Override
    public DecodeOutput generateCandidate(int[] prompt, int maxTokens, List<String> stops) {
        if (script.failOnMarker() && has(prompt, FAIL_ID)) {
            throw new IllegalStateException("scripted pipeline failure");
        }
        if (script.hangOnMarker() && has(prompt, HANG_ID)) {
            hangUninterruptibly();
        }
        if (script.sleepMillis() > 0) {
            try {
                Thread.sleep(script.sleepMillis());
            } catch (InterruptedException e) {
                throw new CancellationException("interrupted");
            }
        }
        return answer(prompt, maxTokens);
    }

    @Override
    public TeacherForcedScores teacherForce(int[] prompt, int[] referenceTokens) {
        int n = referenceTokens.length;
        int[][] top = new int[n][];
        for (int i = 0; i < n; i++) {
            top[i] = new int[] {referenceTokens[i]};
        }
        if (script.badScoresOnMarker() && has(prompt, BAD_ID) && n > 0) {
            top[0] = null; // the rare-token detector dereferences it
        }
        double[] zeros = new double[n];
        boolean[] same = new boolean[n];
        Arrays.fill(same, true);
        return new TeacherForcedScores(zeros, same, zeros.clone(), zeros.clone(), zeros.clone(), top);
    }

    /** A short deterministic answer that depends on the prompt. */
    private static DecodeOutput answer(int[] prompt, int maxTokens) {
        int n = Math.min(maxTokens, 6);
        int seed = Arrays.stream(prompt).sum();
        int[] tokens = new int[n];
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < n; i++) {
            tokens[i] = 10 + Math.floorMod(seed + i, 50);
            text.append(i == 0 ? "" : " ").append("w").append(tokens[i]);
        }
        return new DecodeOutput(
                tokens, text.toString(), n == maxTokens ? FinishReason.MAX_TOKENS : FinishReason.EOS, List.of());
    }

    private static boolean has(int[] tokens, int id) {
        return Arrays.stream(tokens).anyMatch(t -> t == id);
    }

    /** Like a native call that never returns: interrupts are ignored until the test releases it. */
    private static void hangUninterruptibly() {
        CountDownLatch latch = hung;
        HUNG_NOW.incrementAndGet();
        try {
            boolean interrupted = false;
            while (latch.getCount() > 0) {
                try {
                    latch.await();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        } finally {
            HUNG_NOW.decrementAndGet();
        }
    }

    @Override
    public void close() {}
}
