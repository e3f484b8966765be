package io.quantwatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.connectors.kafka.AvroSingleObjectSerializer;
import io.quantwatch.connectors.kafka.RawPromptRecord;
import io.quantwatch.connectors.metrics.JvmMeterRegistry;
import io.quantwatch.connectors.metrics.MetricsSettings;
import io.quantwatch.connectors.shadow.ScriptedPipelines;
import io.quantwatch.connectors.shadow.ScriptedPipelines.Script;
import io.quantwatch.detectors.ShadowResult;
import io.quantwatch.detectors.port.ShadowPipelines;
import io.quantwatch.detectors.sampling.DeterministicSampler;
import io.quantwatch.embedded.CounterTotals;
import io.quantwatch.schemas.DeadLetter;
import io.quantwatch.schemas.PromptEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admission step on its own: which prompts a closing period admits and sheds, the watermark held by
 * admitted work only, a checkpoint taken mid-work that restores it, and no state or timers left afterwards.
 */
class ShadowStageHarnessTest {
    private static final AvroSingleObjectSerializer<PromptEvent> BYTES =
            new AvroSingleObjectSerializer<>(PromptEvent.class);
    private static final MetricsSettings METRICS =
            new MetricsSettings(true, "127.0.0.1", 0, null, Duration.ofSeconds(30));
    private static final DeterministicSampler HASH = new DeterministicSampler(1.0, "");
    /** 10 s periods, 10 s delay, a pinned capacity of 1 prompt/s: a period admits 10 minus what is still pending. */
    private static final ShadowStage.Settings SETTINGS = new ShadowStage.Settings(
            "prompts", METRICS, HASH, 10_000, Duration.ofSeconds(10), Duration.ofSeconds(5), 1.0, 16);

    private static ShadowPipelineFactory pipelines(long sleepMillis) {
        return () -> {
            Map<String, ShadowPipelines> m = new LinkedHashMap<>();
            m.put("a", new ScriptedPipelines(Script.sleeping(sleepMillis)));
            m.put("b", new ScriptedPipelines(Script.healthy()));
            return m;
        };
    }

    private static OneInputStreamOperatorTestHarness<SourcedPrompt, ShadowResult> harness(
            ShadowStage stage, OperatorSubtaskState state) throws Exception {
        var h = new OneInputStreamOperatorTestHarness<SourcedPrompt, ShadowResult>(stage);
        if (state != null) {
            h.initializeState(state);
        }
        h.open();
        return h;
    }

    private static PromptEvent event(int i, long ts, String text) {
        return PromptEvent.newBuilder()
                .setRequestId("req-" + i)
                .setTenant("t" + (i % 3))
                .setModel("m")
                .setPrompt(text)
                .setEventTime(Instant.ofEpochMilli(ts))
                .build();
    }

    /** Prompt i as read from partition 2 at offset 1000 + i. */
    private static SourcedPrompt prompt(int i, long ts, String text) {
        PromptEvent e = event(i, ts, text);
        return new SourcedPrompt(
                e,
                new RawPromptRecord(
                        "prompts",
                        2,
                        1_000 + i,
                        ts,
                        ("key-" + i).getBytes(StandardCharsets.UTF_8),
                        BYTES.serialize(e)));
    }

    private static SourcedPrompt prompt(int i, long ts) {
        return prompt(i, ts, "question " + i);
    }

    /** Runs the mailbox until the stage has nothing admitted (results come back as mails). */
    private static void drain(OneInputStreamOperatorTestHarness<SourcedPrompt, ShadowResult> h, ShadowStage stage)
            throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (stage.pending() > 0 && System.nanoTime() < end) {
            var mail = h.getTaskMailbox().tryTake(TaskMailbox.MIN_PRIORITY);
            if (mail.isPresent()) {
                mail.get().run();
            } else {
                Thread.sleep(5);
            }
        }
        assertThat(stage.pending()).isZero();
    }

    private static List<ShadowResult> records(
            OneInputStreamOperatorTestHarness<SourcedPrompt, ShadowResult> h, ShadowResult.Outcome outcome) {
        return h.extractOutputValues().stream()
                .filter(r -> r.outcome() == outcome)
                .toList();
    }

    private static List<Long> watermarks(OneInputStreamOperatorTestHarness<SourcedPrompt, ShadowResult> h) {
        return h.getOutput().stream()
                .filter(o -> o instanceof Watermark)
                .map(o -> ((Watermark) o).getTimestamp())
                .toList();
    }

    private static long count(String decision) {
        return new CounterTotals(JvmMeterRegistry.get(METRICS).registry())
                .total("quantwatch.sampling", "decision", decision);
    }

    @BeforeAll
    static void freshMeters() {
        JvmMeterRegistry.shutdown();
        JvmMeterRegistry.get(METRICS);
    }

    @Test
    void aClosingPeriodAdmitsItsSmallestHashesUpToTheBudgetAndShedsTheRest() throws Exception {
        long shedBefore = count("over_capacity");
        long lateBefore = count("late");
        ShadowStage stage = new ShadowStage(SETTINGS, pipelines(0));
        var h = harness(stage, null);
        List<SourcedPrompt> offered = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            offered.add(prompt(i, i * 80L));
            h.processElement(new StreamRecord<>(offered.get(i), i * 80L));
        }
        // At most 100 are held per period (4 × what fits, at least 100): the 20 largest hashes are shed on arrival,
        // as one tally per candidate.
        assertThat(stage.held()).isEqualTo(100);
        assertThat(records(h, ShadowResult.Outcome.SHED)).hasSize(40);

        h.processWatermark(9_999);
        // The watermark stops just below the oldest admitted prompt until its result is out.
        Set<String> expected = offered.stream()
                .map(SourcedPrompt::event)
                .sorted(Comparator.comparingDouble(p -> HASH.fraction(p.getRequestId())))
                .limit(10)
                .map(PromptEvent::getRequestId)
                .collect(Collectors.toSet());
        long oldestAdmitted = offered.stream()
                .filter(p -> expected.contains(p.event().getRequestId()))
                .mapToLong(SourcedPrompt::eventTimeMillis)
                .min()
                .orElseThrow();
        assertThat(watermarks(h)).allSatisfy(w -> assertThat(w).isLessThan(oldestAdmitted));
        drain(h, stage);

        List<ShadowResult> compared = records(h, ShadowResult.Outcome.COMPARED);
        assertThat(compared).hasSize(20);
        assertThat(compared.stream().map(ShadowResult::requestId).collect(Collectors.toSet()))
                .isEqualTo(expected);
        assertThat(records(h, ShadowResult.Outcome.SHED)).hasSize(220); // 110 prompts shed in all, × 2 candidates
        assertThat(count("over_capacity") - shedBefore).isEqualTo(110);
        assertThat(watermarks(h)).last().isEqualTo(9_999L);

        assertThat(new CounterTotals(JvmMeterRegistry.get(METRICS).registry())
                        .total("quantwatch.shadow.max.tokens.capped"))
                .as("prompts ask for 256 tokens, the stage caps at 16")
                .isGreaterThanOrEqualTo(10);
        h.processElement(new StreamRecord<>(prompt(99, 5_000), 5_000)); // its period was already admitted
        assertThat(count("late") - lateBefore).isEqualTo(1);
        assertThat(stage.held()).isZero();
        assertThat(h.getProcessingTimeService().getNumActiveTimers()).isZero();
        h.close();
    }

    @Test
    void aCheckpointMidWorkRestoresAdmittedAndHeldPromptsAndLeavesNothingBehind() throws Exception {
        ShadowStage stage = new ShadowStage(SETTINGS, pipelines(300));
        var h = harness(stage, null);
        for (int i = 0; i < 5; i++) {
            h.processElement(new StreamRecord<>(prompt(i, 1_000 + i), 1_000 + i));
        }
        for (int i = 5; i < 8; i++) {
            h.processElement(new StreamRecord<>(prompt(i, 12_000 + i), 12_000 + i)); // next period, still open
        }
        h.processWatermark(10_500);
        assertThat(stage.pending()).isEqualTo(5);
        OperatorSubtaskState midWork = h.snapshot(1, 1);
        h.close(); // the task fails before any result is out

        ShadowStage restored = new ShadowStage(SETTINGS, pipelines(0));
        var h2 = harness(restored, midWork);
        assertThat(restored.pending()).isEqualTo(5);
        assertThat(restored.held()).isEqualTo(3);
        h2.processWatermark(19_999);
        drain(h2, restored);
        assertThat(records(h2, ShadowResult.Outcome.COMPARED))
                .hasSize(16)
                .extracting(ShadowResult::requestId)
                .containsOnly("req-0", "req-1", "req-2", "req-3", "req-4", "req-5", "req-6", "req-7");
        assertThat(watermarks(h2)).last().isEqualTo(19_999L);

        OperatorSubtaskState after = h2.snapshot(2, 2);
        h2.close();
        ShadowStage empty = new ShadowStage(SETTINGS, pipelines(0));
        var h3 = harness(empty, after);
        assertThat(empty.pending()).isZero();
        assertThat(empty.held()).isZero();
        assertThat(h3.getProcessingTimeService().getNumActiveTimers()).isZero();
        h3.close();
    }

    @Test
    void idlenessIsForwardedOnlyOnceNothingIsHeld() throws Exception {
        ShadowStage stage = new ShadowStage(SETTINGS, pipelines(200));
        var h = harness(stage, null);
        h.processElement(new StreamRecord<>(prompt(1, 500), 500));
        h.processWatermark(9_999);
        h.processWatermarkStatus(WatermarkStatus.IDLE);
        assertThat(h.getOutput()).noneMatch(o -> o instanceof WatermarkStatus);
        drain(h, stage);
        assertThat(h.getOutput()).filteredOn(o -> o instanceof WatermarkStatus).containsExactly(WatermarkStatus.IDLE);
        h.processWatermarkStatus(WatermarkStatus.ACTIVE);
        assertThat(h.getOutput())
                .filteredOn(o -> o instanceof WatermarkStatus)
                .containsExactly(WatermarkStatus.IDLE, WatermarkStatus.ACTIVE);
        h.close();
    }

    @Test
    void promptsRefusedOrFailedAfterDecodingAreDeadLetteredWithTheirOriginalRecord() throws Exception {
        ShadowStage stage = new ShadowStage(SETTINGS, () -> {
            Map<String, ShadowPipelines> m = new LinkedHashMap<>();
            m.put("a", new ScriptedPipelines(new Script(0, true, false, false)));
            return m;
        });
        var h = harness(stage, null);
        SourcedPrompt tooLong = prompt(1, 100, "word ".repeat(600)); // the scripted context is 512 tokens
        SourcedPrompt failing = prompt(2, 200, "please " + ScriptedPipelines.FAIL);
        h.processElement(new StreamRecord<>(tooLong, 100));
        h.processElement(new StreamRecord<>(failing, 200));
        h.processWatermark(9_999);
        drain(h, stage);

        List<DeadLetter> dead = h.getSideOutput(DecodePrompts.DEAD_LETTERS).stream()
                .map(StreamRecord::getValue)
                .toList();
        assertThat(dead)
                .extracting(DeadLetter::getErrorClass)
                .containsExactlyInAnyOrder("PROMPT_TOO_LONG", "PIPELINE_ERROR");
        for (DeadLetter d : dead) {
            SourcedPrompt original = d.getErrorClass().equals("PROMPT_TOO_LONG") ? tooLong : failing;
            assertThat(d.getSourceTopic()).isEqualTo("prompts");
            assertThat(d.getPartition()).isEqualTo(2);
            assertThat(d.getOffset()).isEqualTo(original.source().offset());
            assertThat(d.getKey().array()).isEqualTo(original.source().key());
            assertThat(d.getValue().array()).isEqualTo(original.source().value());
            assertThat(d.getTruncated()).isFalse();
        }
        h.close();
    }

    /** The shadow stage's state before prompts carried their source: bare Avro events under the old names. */
    private static final class LegacyShadowState extends AbstractStreamOperator<ShadowResult>
            implements OneInputStreamOperator<PromptEvent, ShadowResult> {
        private transient ListState<PromptEvent> held;

        @Override
        public void initializeState(StateInitializationContext context) throws Exception {
            super.initializeState(context);
            held = context.getOperatorStateStore()
                    .getListState(new ListStateDescriptor<>("held-prompts", new AvroTypeInfo<>(PromptEvent.class)));
            context.getOperatorStateStore()
                    .getListState(new ListStateDescriptor<>("admitted-prompts", new AvroTypeInfo<>(PromptEvent.class)));
        }

        @Override
        public void processElement(StreamRecord<PromptEvent> element) throws Exception {
            held.add(element.getValue());
        }
    }

    @Test
    void aSavepointFromBeforePromptsCarriedTheirSourceIsRestoredAndShadowed() throws Exception {
        OperatorSubtaskState legacy;
        try (var old = new OneInputStreamOperatorTestHarness<PromptEvent, ShadowResult>(new LegacyShadowState())) {
            old.open();
            for (int i = 0; i < 3; i++) {
                old.processElement(new StreamRecord<>(event(i, 1_000 + i, "question " + i), 1_000 + i));
            }
            legacy = old.snapshot(1, 1);
        }
        ShadowStage stage = new ShadowStage(SETTINGS, pipelines(0));
        var h = harness(stage, legacy);
        assertThat(stage.held()).isEqualTo(3);
        h.processWatermark(9_999);
        drain(h, stage);
        assertThat(records(h, ShadowResult.Outcome.COMPARED))
                .extracting(ShadowResult::requestId)
                .containsOnly("req-0", "req-1", "req-2")
                .hasSize(6);
        OperatorSubtaskState after = h.snapshot(2, 2);
        h.close();

        ShadowStage again = new ShadowStage(SETTINGS, pipelines(0));
        var h2 = harness(again, after);
        assertThat(again.held()).as("the legacy state is emptied once read").isZero();
        h2.close();
    }
}
