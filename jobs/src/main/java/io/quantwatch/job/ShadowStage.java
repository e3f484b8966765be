package io.quantwatch.job;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quantwatch.connectors.kafka.AvroSingleObjectSerializer;
import io.quantwatch.connectors.kafka.RawPromptRecord;
import io.quantwatch.connectors.metrics.JvmMeterRegistry;
import io.quantwatch.connectors.metrics.MetricsSettings;
import io.quantwatch.connectors.shadow.ShadowOutcome;
import io.quantwatch.connectors.shadow.ShadowRunner;
import io.quantwatch.detectors.ShadowResult;
import io.quantwatch.detectors.sampling.AdmissionBudget;
import io.quantwatch.detectors.sampling.DeterministicSampler;
import io.quantwatch.detectors.sampling.PeriodSample;
import io.quantwatch.job.config.MonitorConfig;
import io.quantwatch.schemas.PromptEvent;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * The shadow stage: admission and inference in one operator, so what it admits is what it can serve.
 * Sampled prompts are held per admission period ({@link PeriodSample}); when the watermark closes a
 * period, the prompts with the smallest request-id hashes are admitted up to the {@link AdmissionBudget}
 * (what finishes within {@code shadow.max-delay}) and the rest are shed: counted, and tallied into their
 * windows as offered. Admitted prompts run on a worker thread through the {@link ShadowRunner} (deadlines,
 * one lane per candidate); results return through the task's mailbox. The output watermark waits only for
 * the oldest prompt still queued or running, so no result is late and neither event time nor checkpoint
 * barriers ever queue behind more than {@code max-delay} of work: the input is never back-pressured.
 */
public final class ShadowStage extends AbstractStreamOperator<ShadowResult>
        implements OneInputStreamOperator<SourcedPrompt, ShadowResult> {
    private static final long serialVersionUID = 1L;
    /** Held prompts per open period, whatever the budget says: bounds memory before the first measurement. */
    static final int MAX_HELD_PER_PERIOD = 10_000;

    private static final AvroSingleObjectSerializer<PromptEvent> PROMPT_BYTES =
            new AvroSingleObjectSerializer<>(PromptEvent.class);

    /** What the stage needs from the configuration. */
    public record Settings(
            String promptsTopic,
            MetricsSettings metrics,
            DeterministicSampler sampler,
            long periodMillis,
            Duration maxDelay,
            Duration timeout,
            double capacityPerSecond,
            int maxTokens)
            implements Serializable {
        public static Settings of(MonitorConfig c) {
            return new Settings(
                    c.topics().prompts(),
                    c.metrics().settings(),
                    new DeterministicSampler(
                            c.sampling().rate(),
                            io.quantwatch.security.SecretReference.resolve(
                                    c.sampling().salt())),
                    c.admissionPeriodMillis(),
                    c.shadow().maxDelay(),
                    c.shadow().timeout(),
                    c.shadow().capacityPerSecond(),
                    c.engine().maxTokens());
        }
    }

    private final Settings settings;
    private final ShadowPipelineFactory pipelines;

    private transient MailboxExecutor mailbox;
    private transient ShadowRunner runner;
    private transient ExecutorService worker;
    private transient List<String> candidates;
    private transient PeriodSample<SourcedPrompt> periods;
    private transient AdmissionBudget budget;
    /** Admitted prompts queued or running, by admission number; their event times hold the watermark. */
    private transient Map<Long, SourcedPrompt> admitted;

    private transient TreeMap<Long, Integer> admittedTimes;
    private transient long nextAdmission;
    private transient long inputWatermark;
    private transient long outputWatermark;
    private transient boolean inputIdle;
    private transient boolean idleForwarded;
    private transient ListState<SourcedPrompt> heldState;
    private transient ListState<SourcedPrompt> admittedState;
    private transient List<SourcedPrompt> restoredHeld;
    private transient List<SourcedPrompt> restoredAdmitted;
    private transient Meters meters;

    public ShadowStage(Settings settings, ShadowPipelineFactory pipelines) {
        this.settings = settings;
        this.pipelines = pipelines;
    }

    @Override
    public void setMailboxExecutor(MailboxExecutor mailboxExecutor) {
        super.setMailboxExecutor(mailboxExecutor);
        this.mailbox = mailboxExecutor;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        // Flink's POJO serializer for the record (Avro's own for the event inside): versioned, evolvable, never Kryo.
        TypeInformation<SourcedPrompt> type = TypeInformation.of(SourcedPrompt.class);
        heldState =
                context.getOperatorStateStore().getListState(new ListStateDescriptor<>("held-sourced-prompts", type));
        admittedState = context.getOperatorStateStore()
                .getListState(new ListStateDescriptor<>("admitted-sourced-prompts", type));
        restoredHeld = new ArrayList<>();
        restoredAdmitted = new ArrayList<>();
        if (context.isRestored()) {
            heldState.get().forEach(restoredHeld::add);
            admittedState.get().forEach(restoredAdmitted::add);
            restoreLegacy(context, "held-prompts", restoredHeld);
            restoreLegacy(context, "admitted-prompts", restoredAdmitted);
        }
    }

    /**
     * Savepoints from before prompts carried their source kept bare events: they are restored with unknown
     * coordinates (partition and offset −1) and re-encoded bytes, then the old state is emptied.
     */
    private void restoreLegacy(StateInitializationContext context, String name, List<SourcedPrompt> into)
            throws Exception {
        ListState<PromptEvent> legacy = context.getOperatorStateStore()
                .getListState(new ListStateDescriptor<>(name, new AvroTypeInfo<>(PromptEvent.class)));
        for (PromptEvent e : legacy.get()) {
            into.add(new SourcedPrompt(
                    e,
                    new RawPromptRecord(
                            settings.promptsTopic(),
                            -1,
                            -1,
                            e.getEventTime().toEpochMilli(),
                            e.getRequestId().getBytes(StandardCharsets.UTF_8),
                            PROMPT_BYTES.serialize(e))));
        }
        legacy.clear();
    }

    @Override
    public void open() throws Exception {
        super.open();
        io.quantwatch.connectors.JvmResources.releaseWithJob(getRuntimeContext());
        var pairs = pipelines.create();
        candidates = List.copyOf(pairs.keySet());
        runner = new ShadowRunner(pairs, settings.maxTokens(), settings.timeout());
        int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "quantwatch-shadow-worker-" + subtask);
            t.setDaemon(true);
            return t;
        });
        periods = new PeriodSample<>(settings.periodMillis());
        budget = new AdmissionBudget(settings.maxDelay(), settings.capacityPerSecond());
        admitted = new LinkedHashMap<>();
        admittedTimes = new TreeMap<>();
        inputWatermark = Long.MIN_VALUE;
        outputWatermark = Long.MIN_VALUE;
        meters = new Meters(JvmMeterRegistry.get(settings.metrics()).registry(), String.valueOf(subtask));
        meters.registerCandidates(candidates);
        warmUp();
        // After a restore: admitted work runs again (its results were not checkpointed), held prompts wait for their
        // period.
        restoredAdmitted.forEach(this::run);
        restoredHeld.forEach(this::hold);
        restoredAdmitted = null;
        restoredHeld = null;
    }

    /**
     * Measures the service time before the first period closes: one prompt at the configured token cap (close to
     * the worst case, so the first budget errs on the safe side), run first on the worker. Its result is discarded.
     */
    private void warmUp() {
        PromptEvent probe = PromptEvent.newBuilder()
                .setRequestId("quantwatch-warm-up")
                .setTenant("quantwatch")
                .setModel("quantwatch")
                .setPrompt("User: Describe the weather today in two sentences.\nAssistant:")
                .setEventTime(Instant.EPOCH)
                .setMaxTokens(settings.maxTokens())
                .build();
        worker.execute(() -> {
            long t0 = System.nanoTime();
            ShadowOutcome outcome;
            try {
                outcome = runner.shadow(probe);
            } catch (RuntimeException e) {
                return; // no estimate: an idle stage admits one probe prompt per period until a real one is measured
            }
            long took = System.nanoTime() - t0;
            if (outcome instanceof ShadowOutcome.Shadowed s
                    && s.outcomes().stream().anyMatch(o -> o instanceof ShadowOutcome.Compared)) {
                execute(() -> budget.recordWarmUp(Duration.ofNanos(took)), "shadow warm-up");
            }
        });
    }

    @Override
    public void processElement(StreamRecord<SourcedPrompt> element) {
        SourcedPrompt prompt = element.getValue();
        if (periods.closed(eventTime(prompt), inputWatermark)) {
            meters.late.increment(); // its period was already admitted; its windows are closing
            return;
        }
        hold(prompt);
    }

    private void hold(SourcedPrompt prompt) {
        periods.offer(
                        eventTime(prompt),
                        settings.sampler().fraction(prompt.event().getRequestId()),
                        prompt,
                        budget.holdLimit(MAX_HELD_PER_PERIOD))
                .ifPresent(this::shed);
    }

    @Override
    public void processWatermark(Watermark mark) {
        inputWatermark = mark.getTimestamp();
        for (PeriodSample.Closed<SourcedPrompt> period : periods.closeUpTo(inputWatermark)) {
            int admissible = budget.admissible(admitted.size());
            List<PeriodSample.Held<SourcedPrompt>> byFraction = period.byFraction();
            List<PeriodSample.Held<SourcedPrompt>> kept =
                    new ArrayList<>(byFraction.subList(0, Math.min(admissible, byFraction.size())));
            byFraction.subList(kept.size(), byFraction.size()).forEach(h -> shed(h.item()));
            // Oldest first, so the held watermark advances while the period's batch runs.
            kept.sort(Comparator.comparingLong(PeriodSample.Held::timestamp));
            for (PeriodSample.Held<SourcedPrompt> h : kept) {
                meters.admitted.increment();
                run(h.item());
            }
        }
        advanceWatermark();
    }

    @Override
    public void processWatermarkStatus(WatermarkStatus status) {
        inputIdle = status.isIdle();
        if (status.isActive() && idleForwarded) {
            idleForwarded = false;
            output.emitWatermarkStatus(WatermarkStatus.ACTIVE);
        }
        advanceWatermark();
    }

    /** Counted as over capacity, and tallied as offered in each candidate's window. */
    private void shed(SourcedPrompt prompt) {
        meters.overCapacity.increment();
        for (String c : candidates) {
            output.collect(new StreamRecord<>(
                    ShadowResult.withoutComparison(
                            prompt.identity(), c, ShadowResult.Outcome.SHED, "shed: the shadow stage was at capacity"),
                    eventTime(prompt)));
        }
    }

    /** Queues one admitted prompt on the worker; its result comes back through the mailbox. */
    private void run(SourcedPrompt prompt) {
        long id = nextAdmission++;
        admitted.put(id, prompt);
        admittedTimes.merge(eventTime(prompt), 1, Integer::sum);
        worker.execute(() -> {
            long t0 = System.nanoTime();
            ShadowOutcome outcome;
            try {
                outcome = runner.shadow(prompt.event());
            } catch (CancellationException closing) {
                return;
            } catch (RuntimeException | StackOverflowError bug) {
                // The runner turns pipeline and detector failures into outcomes; whatever still escapes must not
                // leave the prompt admitted forever (it would hold the watermark): every candidate gets the error.
                outcome = new ShadowOutcome.Shadowed(candidates.stream()
                        .<ShadowOutcome.CandidateOutcome>map(c -> new ShadowOutcome.Failed(
                                c,
                                ShadowOutcome.Stage.REFERENCE,
                                bug.getClass().getName(),
                                String.valueOf(bug.getMessage())))
                        .toList());
            }
            long took = System.nanoTime() - t0;
            ShadowOutcome result = outcome;
            execute(() -> finished(id, prompt, result, took), "shadow result");
        });
    }

    /** Runs {@code action} on the task thread, where operator state may be touched. */
    private void execute(Runnable action, String description) {
        try {
            mailbox.execute(action::run, description);
        } catch (RejectedExecutionException closing) {
            // The task is shutting down; admitted prompts are in the last checkpoint's state.
        }
    }

    private void finished(long id, SourcedPrompt prompt, ShadowOutcome outcome, long tookNanos) {
        if (prompt.event().getMaxTokens() > settings.maxTokens()) {
            meters.maxTokensCapped.increment(); // compared on the first engine.max-tokens tokens only
        }
        admitted.remove(id);
        admittedTimes.computeIfPresent(eventTime(prompt), (t, n) -> n == 1 ? null : n - 1);
        budget.recordService(Duration.ofNanos(tookNanos));
        meters.latency.record(tookNanos, TimeUnit.NANOSECONDS);
        long ts = eventTime(prompt);
        if (outcome instanceof ShadowOutcome.Rejected r) {
            meters.rejected.increment();
            deadLetter(prompt, r.reason(), r.errorKind());
        } else if (outcome instanceof ShadowOutcome.Shadowed s) {
            meters.shadowed.increment();
            for (ShadowOutcome.CandidateOutcome o : s.outcomes()) {
                if (o instanceof ShadowOutcome.Skipped) {
                    meters.skipped.increment();
                } else if (o instanceof ShadowOutcome.TimedOut t) {
                    meters.timeouts(t.candidate()).increment();
                } else if (o instanceof ShadowOutcome.Failed f) {
                    meters.errors(f.candidate(), f.stage()).increment();
                    deadLetter(
                            prompt,
                            "candidate " + f.candidate() + " failed at "
                                    + f.stage().label() + ": " + f.errorType() + ": " + f.message(),
                            f.stage().errorClass());
                }
                output.collect(new StreamRecord<>(o.result(prompt.identity()), ts));
            }
        }
        advanceWatermark();
    }

    /** The original record (coordinates, key and bytes) with the reason, as if decoding had refused it. */
    private void deadLetter(SourcedPrompt prompt, String reason, String errorClass) {
        output.collect(
                DecodePrompts.DEAD_LETTERS,
                new StreamRecord<>(DecodePrompts.deadLetter(prompt.source(), reason, errorClass), eventTime(prompt)));
    }

    /** Forwards the input watermark, held just below the oldest admitted prompt still queued or running. */
    private void advanceWatermark() {
        long held = admittedTimes.isEmpty() ? Long.MAX_VALUE : admittedTimes.firstKey() - 1;
        long next = Math.min(inputWatermark, held);
        if (next > outputWatermark) {
            outputWatermark = next;
            output.emitWatermark(new Watermark(next));
        }
        // Idle only once nothing is held: downstream must not close windows our pending results belong to.
        if (inputIdle && !idleForwarded && admitted.isEmpty() && periods.size() == 0) {
            idleForwarded = true;
            output.emitWatermarkStatus(WatermarkStatus.IDLE);
        }
        meters.pending.set(admitted.size());
        meters.held.set(periods.size());
        meters.capacity.set(Double.doubleToLongBits(budget.capacityPerSecond()));
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        heldState.update(periods.held().stream().map(PeriodSample.Held::item).toList());
        admittedState.update(new ArrayList<>(admitted.values()));
    }

    /** End of input: the final watermark has closed every period; wait for the admitted work before finishing. */
    @Override
    public void finish() throws Exception {
        while (!admitted.isEmpty()) {
            mailbox.yield();
        }
        super.finish();
    }

    @Override
    public void close() throws Exception {
        if (worker != null) {
            worker.shutdownNow();
        }
        if (runner != null) {
            runner.close();
        }
        if (meters != null) {
            meters.remove();
        }
        super.close();
    }

    private static long eventTime(SourcedPrompt p) {
        return p.eventTimeMillis();
    }

    /** Prompts held in open periods (for tests). */
    int held() {
        return periods.size();
    }

    /** Admitted prompts queued or running (for tests). */
    int pending() {
        return admitted.size();
    }

    /** This operator's meters; gauges carry the subtask and are removed on close (a restarted task registers its own). */
    private static final class Meters {
        private final MeterRegistry registry;
        final Counter admitted;
        final Counter overCapacity;
        final Counter late;
        final Counter shadowed;
        final Counter rejected;
        final Counter skipped;
        final Counter maxTokensCapped;
        final Timer latency;
        final AtomicLong pending = new AtomicLong();
        final AtomicLong held = new AtomicLong();
        final AtomicLong capacity = new AtomicLong(Double.doubleToLongBits(Double.NaN));
        private final List<Meter> gauges = new ArrayList<>();

        Meters(MeterRegistry r, String subtask) {
            registry = r;
            admitted = TenantSampler.decision(r, "admitted");
            overCapacity = TenantSampler.decision(r, "over_capacity");
            late = TenantSampler.decision(r, "late");
            shadowed = Counter.builder("quantwatch.shadowed")
                    .description("prompts run through the reference and every candidate")
                    .register(r);
            rejected = Counter.builder("quantwatch.shadow.rejected")
                    .description("admitted prompts the reference could not take")
                    .register(r);
            skipped = Counter.builder("quantwatch.shadow.skipped")
                    .description("candidate comparisons skipped (e.g. prompt over the NPU's static length)")
                    .register(r);
            maxTokensCapped = Counter.builder("quantwatch.shadow.max.tokens.capped")
                    .description(
                            "shadowed prompts that asked for more tokens than engine.max-tokens (compared on the capped decode)")
                    .register(r);
            latency = Timer.builder("quantwatch.shadow.latency")
                    .description("reference + all candidates for one prompt")
                    .publishPercentileHistogram()
                    .register(r);
            gauges.add(Gauge.builder("quantwatch.shadow.pending", pending, AtomicLong::get)
                    .tag("subtask", subtask)
                    .description("admitted prompts queued or running")
                    .strongReference(true)
                    .register(r));
            gauges.add(Gauge.builder("quantwatch.shadow.held", held, AtomicLong::get)
                    .tag("subtask", subtask)
                    .description("sampled prompts waiting for their admission period to close")
                    .strongReference(true)
                    .register(r));
            gauges.add(Gauge.builder("quantwatch.shadow.capacity", capacity, c -> Double.longBitsToDouble(c.get()))
                    .tag("subtask", subtask)
                    .description("prompts per second this shadow subtask serves (measured or configured)")
                    .strongReference(true)
                    .register(r));
        }

        /** Every candidate's timeout and error counters at 0, so dashboards and rates see them before the first. */
        void registerCandidates(List<String> names) {
            for (String candidate : names) {
                timeouts(candidate);
                for (ShadowOutcome.Stage stage : ShadowOutcome.Stage.values()) {
                    errors(candidate, stage);
                }
            }
        }

        Counter timeouts(String candidate) {
            return Counter.builder("quantwatch.shadow.timeouts")
                    .tag("candidate", candidate)
                    .description("candidate comparisons that missed shadow.timeout")
                    .register(registry);
        }

        Counter errors(String candidate, ShadowOutcome.Stage stage) {
            return Counter.builder("quantwatch.shadow.errors")
                    .tag("candidate", candidate)
                    .tag("stage", stage.label())
                    .description("candidate comparisons lost to an exception, by stage")
                    .register(registry);
        }

        void remove() {
            gauges.forEach(registry::remove);
        }
    }
}
