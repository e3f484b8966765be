package io.quantwatch.connectors.shadow;

import io.quantwatch.connectors.shadow.ShadowOutcome.CandidateOutcome;
import io.quantwatch.connectors.shadow.ShadowOutcome.Compared;
import io.quantwatch.connectors.shadow.ShadowOutcome.Failed;
import io.quantwatch.connectors.shadow.ShadowOutcome.Skipped;
import io.quantwatch.connectors.shadow.ShadowOutcome.Stage;
import io.quantwatch.connectors.shadow.ShadowOutcome.TimedOut;
import io.quantwatch.detectors.CandidateAnswer;
import io.quantwatch.detectors.DecodeOutput;
import io.quantwatch.detectors.RequestContext;
import io.quantwatch.detectors.ShadowComparison;
import io.quantwatch.detectors.ShadowMetrics;
import io.quantwatch.detectors.port.ShadowPipelines;
import io.quantwatch.schemas.PromptEvent;
import io.quantwatch.schemas.ResponseFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Shadows one prompt through every configured candidate, whatever its backend: each reference decodes
 * once per prompt (pairs sharing a reference share its output), then every candidate decodes greedily
 * and is teacher-forced on the reference's tokens, each on its own {@link CandidateLane} and in
 * parallel, and the detectors compare the two. Every stage has {@code timeout}: a slow, hung or failing
 * pipeline or detector costs that candidate's comparison ({@link TimedOut}, {@link Failed}), never the
 * prompt's other candidates and never the caller. One runner per shadow subtask; {@link #shadow} is
 * called from one thread at a time.
 */
public final class ShadowRunner implements AutoCloseable {
    private static final int MAX_MESSAGE = 1_000;

    private final Map<String, ShadowPipelines> pairs;
    private final Map<String, CandidateLane> lanes = new LinkedHashMap<>();
    /** Candidates grouped by the reference they share, in configuration order. */
    private final List<List<String>> byReference;

    private final ShadowComparison comparison = new ShadowComparison();
    private final int maxTokensCap;
    private final long timeoutNanos;

    /**
     * @param pairs        candidate name → its pipelines, in report order
     * @param maxTokensCap the most tokens any request may generate here, whatever it asks for
     * @param timeout      the longest the reference decode, and then each candidate's comparison, may take
     */
    public ShadowRunner(Map<String, ShadowPipelines> pairs, int maxTokensCap, Duration timeout) {
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException("no candidates: configure at least one under 'candidates'");
        }
        this.pairs = new LinkedHashMap<>(pairs);
        this.maxTokensCap = maxTokensCap;
        this.timeoutNanos = timeout.toNanos();
        pairs.keySet().forEach(name -> lanes.put(name, new CandidateLane(name)));
        Map<String, List<String>> groups = new LinkedHashMap<>();
        pairs.forEach((name, pair) -> groups.computeIfAbsent(pair.referenceKey(), k -> new ArrayList<>())
                .add(name));
        this.byReference = List.copyOf(groups.values());
    }

    public ShadowOutcome shadow(PromptEvent prompt) {
        RequestContext request = new RequestContext(
                prompt.getResponseFormat() == ResponseFormat.JSON || prompt.getJsonSchema() != null,
                prompt.getJsonSchema(),
                prompt.getSentences(),
                prompt.getToolsJson());
        Map<String, CandidateOutcome> outcomes = new LinkedHashMap<>();
        for (List<String> group : byReference) {
            ShadowPipelines first = pairs.get(group.get(0));
            int[] tokens;
            try {
                tokens = first.encodePrompt(prompt.getPrompt());
            } catch (RuntimeException e) {
                group.forEach(c -> outcomes.put(c, failed(c, Stage.REFERENCE, e)));
                continue;
            }
            int context = first.contextLength();
            int maxTokens = Math.min(Math.min(prompt.getMaxTokens(), maxTokensCap), context - tokens.length);
            if (maxTokens < 1) {
                // The reference cannot take it either: nothing can be compared, the record is a dead letter.
                return new ShadowOutcome.Rejected(
                        "prompt is " + tokens.length + " tokens; the reference holds " + context
                                + " tokens of prompt and answer (its context, or engine.max-prompt-tokens +"
                                + " engine.max-tokens): shorten the prompt or raise engine.max-prompt-tokens",
                        "PROMPT_TOO_LONG");
            }
            List<String> takers = new ArrayList<>();
            for (String c : group) {
                Optional<String> refusal = pairs.get(c).cannotTake(tokens, maxTokens);
                if (refusal.isPresent()) {
                    outcomes.put(c, new Skipped(c, refusal.get()));
                } else {
                    takers.add(c);
                }
            }
            if (!takers.isEmpty()) {
                compareGroup(prompt, request, tokens, maxTokens, takers, outcomes);
            }
        }
        List<CandidateOutcome> ordered = new ArrayList<>(pairs.size());
        pairs.keySet().forEach(c -> ordered.add(outcomes.get(c)));
        return new ShadowOutcome.Shadowed(ordered);
    }

    /** The reference decode once, on the lane of the first candidate that is free, then every candidate in parallel. */
    private void compareGroup(
            PromptEvent prompt,
            RequestContext request,
            int[] tokens,
            int maxTokens,
            List<String> takers,
            Map<String, CandidateOutcome> outcomes) {
        long start = System.nanoTime();
        Optional<String> host =
                takers.stream().filter(c -> !lanes.get(c).overdue(start)).findFirst();
        if (host.isEmpty()) {
            takers.forEach(
                    c -> outcomes.put(
                            c,
                            new TimedOut(
                                    c,
                                    Stage.REFERENCE,
                                    "every pipeline sharing this reference is still busy with an earlier prompt past its deadline")));
            return;
        }
        ShadowPipelines hostPair = pairs.get(host.get());
        Future<DecodeOutput> refFuture = lanes.get(host.get())
                .submit(() -> hostPair.generateReference(tokens, maxTokens, prompt.getStop()), start + timeoutNanos);
        DecodeOutput reference;
        try {
            reference = await(refFuture, start + timeoutNanos);
        } catch (TimeoutException e) {
            takers.forEach(c -> outcomes.put(
                    c,
                    new TimedOut(
                            c,
                            Stage.REFERENCE,
                            "the reference decode took longer than shadow.timeout ("
                                    + Duration.ofNanos(timeoutNanos).toMillis() + " ms)")));
            return;
        } catch (ExecutionException e) {
            takers.forEach(c -> outcomes.put(c, failed(c, Stage.REFERENCE, e.getCause())));
            return;
        }
        long candidatesStart = System.nanoTime();
        Map<String, Future<CandidateOutcome>> running = new LinkedHashMap<>();
        Map<String, AtomicReference<Stage>> reached = new LinkedHashMap<>();
        for (String c : takers) {
            CandidateLane lane = lanes.get(c);
            if (lane.overdue(candidatesStart)) {
                outcomes.put(
                        c, new TimedOut(c, Stage.CANDIDATE, "still busy with an earlier prompt past its deadline"));
                continue;
            }
            AtomicReference<Stage> stage = new AtomicReference<>(Stage.CANDIDATE);
            reached.put(c, stage);
            running.put(
                    c,
                    lane.submit(
                            () -> compare(c, request, tokens, maxTokens, prompt.getStop(), reference, stage),
                            candidatesStart + timeoutNanos));
        }
        for (Map.Entry<String, Future<CandidateOutcome>> e : running.entrySet()) {
            String c = e.getKey();
            try {
                outcomes.put(c, await(e.getValue(), candidatesStart + timeoutNanos));
            } catch (TimeoutException t) {
                outcomes.put(
                        c,
                        new TimedOut(
                                c,
                                reached.get(c).get(),
                                "took longer than shadow.timeout ("
                                        + Duration.ofNanos(timeoutNanos).toMillis() + " ms) at "
                                        + reached.get(c).get().label()));
            } catch (ExecutionException x) {
                outcomes.put(
                        c, failed(c, reached.get(c).get(), x.getCause())); // compare() catches; this is a lane failure
            }
        }
    }

    /** One candidate's stages, each failure caught and attributed to its stage. Runs on the candidate's lane. */
    private CandidateOutcome compare(
            String c,
            RequestContext request,
            int[] tokens,
            int maxTokens,
            List<String> stops,
            DecodeOutput reference,
            AtomicReference<Stage> stage) {
        ShadowPipelines pair = pairs.get(c);
        try {
            CandidateAnswer answer =
                    pair.answerAndCompare(tokens, reference, maxTokens, stops, () -> stage.set(Stage.TEACHER_FORCING));
            DecodeOutput candidate = answer.answer();
            stage.set(Stage.DETECTORS);
            ShadowMetrics m = comparison.compare(request, reference, candidate, answer.forced());
            return new Compared(c, m, reference.finish(), candidate.finish(), reference.text(), candidate.text());
        } catch (RuntimeException | StackOverflowError e) {
            // A stack overflow here is one pathological output in a recursive detector, not a broken JVM.
            return failed(c, stage.get(), e);
        }
    }

    /** Waits until {@code deadline}; on timeout the task is cancelled (interrupting a pipeline that checks). */
    private static <T> T await(Future<T> f, long deadlineNanos) throws TimeoutException, ExecutionException {
        try {
            return f.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw e;
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new CancellationException("shadowing interrupted: the operator is closing");
        }
    }

    private static Failed failed(String candidate, Stage stage, Throwable e) {
        String message = String.valueOf(e.getMessage());
        return new Failed(
                candidate,
                stage,
                e.getClass().getName(),
                message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) + "…" : message);
    }

    /** Stops every lane; a pipeline whose thread is still stuck is left open rather than freed under it. */
    @Override
    public void close() {
        lanes.forEach((name, lane) -> {
            if (lane.stop(2_000)) {
                pairs.get(name).close();
            }
        });
    }
}
