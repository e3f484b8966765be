package io.quantwatch.job;

import io.quantwatch.connectors.kafka.RawPromptRecord;
import io.quantwatch.connectors.metrics.MetricsSettings;
import io.quantwatch.detectors.ShadowResult;
import io.quantwatch.detectors.alert.AlertEvent;
import io.quantwatch.detectors.alert.AlertMethod;
import io.quantwatch.detectors.alert.AlertRule;
import io.quantwatch.detectors.review.ReviewSample;
import io.quantwatch.detectors.sampling.DeterministicSampler;
import io.quantwatch.detectors.window.WindowKey;
import io.quantwatch.detectors.window.WindowReport;
import io.quantwatch.job.config.MonitorConfig;
import io.quantwatch.schemas.DeadLetter;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.windowing.assigners.SlidingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.WindowAssigner;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.OutputTag;

/**
 * The monitor's dataflow, independent of where records come from and go to (Kafka in production,
 * in-memory sources and collecting sinks in tests, a replay source in the benchmark):
 * decode → sample → shadow → windows → metrics, alerts and samples.
 */
public final class MonitorTopology {
    static final OutputTag<ShadowResult> LATE = new OutputTag<>("late-shadow-records") {};
    static final OutputTag<KeyedWindow> LATE_WINDOWS = new OutputTag<>("late-per-key-windows") {};

    /** Every stream the job publishes. */
    public record Outputs(
            DataStream<DeadLetter> deadLetters,
            DataStream<ShadowResult> shadowRecords,
            DataStream<WindowReport> metrics,
            DataStream<AlertEvent> alerts,
            DataStream<ReviewSample> samples,
            DataStream<ShadowResult> late,
            DataStream<KeyedWindow> lateWindows) {}

    /** The windowed half: what the benchmark replays recorded shadow records through. */
    public record WindowOutputs(
            DataStream<WindowReport> metrics,
            DataStream<AlertEvent> alerts,
            DataStream<ReviewSample> samples,
            DataStream<ShadowResult> late,
            DataStream<KeyedWindow> lateWindows) {}

    /** Window settings the windowed half needs. */
    public record WindowSpec(
            Duration size,
            Duration slide,
            boolean rollup,
            int samplesPerWindow,
            boolean redact,
            int maxChars,
            List<AlertRule> rules,
            int staleAfterWindows,
            AlertMethod alertMethod,
            double cusumThreshold,
            boolean perKeyAlerts) {
        public static WindowSpec of(MonitorConfig c) {
            return new WindowSpec(
                    c.windows().size(),
                    c.windows().slide(),
                    c.windows().rollup(),
                    c.samples().perWindow(),
                    c.samples().redact(),
                    c.samples().maxChars(),
                    c.alertRules(),
                    c.alerts().staleAfterWindows(),
                    c.alertMethod(),
                    c.alerts().cusumThreshold(),
                    c.alerts().perKey() || !c.windows().rollup());
        }
    }

    private MonitorTopology() {}

    public static Outputs build(MonitorConfig c, DataStream<RawPromptRecord> raw) {
        return build(c, raw, PipelineAssembly.factory(c));
    }

    /** The dataflow with the shadow stage's pipelines from {@code pipelines} (tests inject slow, failing or hanging ones). */
    public static Outputs build(MonitorConfig c, DataStream<RawPromptRecord> raw, ShadowPipelineFactory pipelines) {
        MetricsSettings ms = c.metrics().settings();
        SingleOutputStreamOperator<SourcedPrompt> decoded = raw.process(new DecodePrompts(
                        ms,
                        c.chat().settings(c.reference().model()),
                        c.input().settings(),
                        c.schemaRegistry().settings(),
                        c.windows().maxSkew(),
                        c.windows().maxAge()))
                .name("decode and validate")
                .uid("decode");
        Duration outOfOrderness = c.windows().outOfOrderness();
        Duration idleTimeout = c.windows().idleTimeout();
        boolean followClock = c.windows().followClockWhenIdle();
        DataStream<SourcedPrompt> timed = decoded.assignTimestampsAndWatermarks(
                        WatermarkStrategy.<SourcedPrompt>forGenerator(ctx -> new WallClockBoundedWatermarks<>(
                                        outOfOrderness, System::currentTimeMillis, idleTimeout, followClock))
                                .withTimestampAssigner((e, ts) -> e.eventTimeMillis()))
                .name("event time")
                .uid("event-time");
        SingleOutputStreamOperator<SourcedPrompt> sampled = timed.keyBy(
                        p -> p.event().getTenant(), Types.STRING)
                .process(new TenantSampler(
                        new DeterministicSampler(
                                c.sampling().rate(),
                                io.quantwatch.security.SecretReference.resolve(
                                        c.sampling().salt())),
                        c.reference().servedModel(),
                        c.sampling().perTenantPerSecond(),
                        c.sampling().burst(),
                        c.sampling().dedupHorizon(),
                        c.sampling().maxPerSecond(),
                        ms))
                .name("sample per tenant")
                .uid("sample");
        SingleOutputStreamOperator<ShadowResult> shadowed = sampled.rebalance()
                .transform(
                        "shadow: reference + " + c.candidates().size() + " candidates",
                        TypeInformation.of(ShadowResult.class),
                        new ShadowStage(ShadowStage.Settings.of(c), pipelines))
                .setParallelism(c.engine().parallelism())
                .uid("shadow");
        // Shed tallies feed the windows' offered counts; only real outcomes are published.
        DataStream<ShadowResult> published = shadowed.filter(r -> r.outcome() != ShadowResult.Outcome.SHED)
                .setParallelism(c.engine().parallelism())
                .name("published shadow records")
                .uid("published-shadow-records");
        DataStream<DeadLetter> deadLetters = decoded.getSideOutput(DecodePrompts.DEAD_LETTERS)
                .union(shadowed.getSideOutput(DecodePrompts.DEAD_LETTERS))
                .process(new ReportDeadLetters(ms))
                .name("report dead letters")
                .uid("report-dead-letters");
        DataStream<ShadowResult> labelled = shadowed.process(new FoldRareKeys(
                        c.metrics().maxTenants(),
                        c.metrics().maxTasks(),
                        c.keyIdleAfter(),
                        c.windows().slide()))
                .setParallelism(1)
                .name("fold rare tenants and tasks")
                .uid("fold-rare-keys");
        WindowOutputs w = windows(WindowSpec.of(c), labelled);
        return new Outputs(deadLetters, published, w.metrics(), w.alerts(), w.samples(), w.late(), w.lateWindows());
    }

    public static WindowOutputs windows(WindowSpec spec, DataStream<ShadowResult> records) {
        TypeInformation<WindowKey> keyType = TypeInformation.of(WindowKey.class);
        TypeInformation<KeyedWindow> windowType = TypeInformation.of(KeyedWindow.class);
        SingleOutputStreamOperator<KeyedWindow> perKey = records.keyBy(
                        r -> new WindowKey(r.model(), r.candidate(), r.task(), r.tenant()), keyType)
                .window(assigner(spec))
                .sideOutputLateData(LATE)
                .aggregate(
                        new DriftAggregate(spec.samplesPerWindow()),
                        new CloseWindow(),
                        TypeInformation.of(WindowAccumulator.class),
                        TypeInformation.of(WindowAccumulator.class),
                        windowType)
                .name("drift windows")
                .uid("windows");
        DataStream<KeyedWindow> closed = perKey;
        DataStream<KeyedWindow> lateWindows = null;
        if (spec.rollup()) {
            // Every per-key window of one interval ends at the same instant, a multiple of the slide:
            // a tumbling window of the slide's length gathers exactly them. One that comes after its roll-up
            // fired is counted, never silently dropped.
            SingleOutputStreamOperator<KeyedWindow> rollup = perKey.keyBy(RollupWindow::rollupKey, keyType)
                    .window(TumblingEventTimeWindows.of(spec.slide()))
                    .sideOutputLateData(LATE_WINDOWS)
                    .reduce(new RollupWindow.Merge(), new RollupWindow.Label(), windowType)
                    .name("roll-up per candidate")
                    .uid("rollup");
            lateWindows = rollup.getSideOutput(LATE_WINDOWS);
            closed = perKey.union(rollup);
        }
        SingleOutputStreamOperator<WindowReport> metrics = closed.process(
                        new EmitWindow(spec.redact(), spec.maxChars()), TypeInformation.of(WindowReport.class))
                .name("window summaries")
                .uid("summaries");
        boolean alertPerKey = spec.perKeyAlerts();
        // By default alerts watch each candidate's roll-up only: fewer tests, so fewer false alarms (bench detection).
        DataStream<AlertEvent> alerts = metrics.filter(
                        r -> alertPerKey || r.key().isRollup())
                .name("alerted windows")
                .uid("alerted-windows")
                .keyBy(WindowReport::key, keyType)
                .process(new AlertTransitions(
                        spec.rules(),
                        spec.staleAfterWindows() * spec.slide().toMillis(),
                        spec.alertMethod(),
                        spec.cusumThreshold()))
                .name("alert rules")
                .uid("alerts");
        return new WindowOutputs(
                metrics,
                alerts,
                metrics.getSideOutput(EmitWindow.SAMPLES),
                perKey.getSideOutput(LATE),
                lateWindows == null
                        ? perKey.getSideOutput(LATE_WINDOWS)
                        : lateWindows); // without roll-up: an empty stream
    }

    private static WindowAssigner<Object, TimeWindow> assigner(WindowSpec spec) {
        return spec.slide().equals(spec.size())
                ? TumblingEventTimeWindows.of(spec.size())
                : SlidingEventTimeWindows.of(spec.size(), spec.slide());
    }
}
