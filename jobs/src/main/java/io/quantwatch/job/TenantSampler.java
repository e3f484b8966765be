package io.quantwatch.job;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quantwatch.connectors.metrics.JvmMeterRegistry;
import io.quantwatch.connectors.metrics.MetricsSettings;
import io.quantwatch.detectors.sampling.DeterministicSampler;
import io.quantwatch.detectors.sampling.TokenBucket;
import io.quantwatch.schemas.PromptEvent;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by tenant: keeps the prompts whose request id falls in the deterministic sample, then lets
 * at most {@code perSecond} of them through per tenant (token bucket, processing time) so one noisy
 * tenant cannot crowd out the others; the shadow stage then bounds the total it takes on. A sampled request
 * id seen again within the dedup horizon (a producer's retry) is counted as a duplicate and not shadowed again. A tenant's bucket is dropped once it has refilled, so idle
 * tenants hold no state. A bucket over all tenants ({@code maxPerSecond}, shared out among the subtasks) caps the total
 * however many tenant names clients invent: each new name starts with a full bucket of its own.
 */
public final class TenantSampler extends KeyedProcessFunction<String, SourcedPrompt, SourcedPrompt> {
    private static final long serialVersionUID = 1L;

    private final DeterministicSampler sampler;
    private final String servedModel;
    private final double perSecond;
    private final double burst;
    private final MetricsSettings metrics;
    private final Duration dedupHorizon;
    private final double maxPerSecond;
    private transient ValueState<TokenBucket> bucket;
    /** This subtask's share of the cap over all tenants (not checkpointed: a restart starts it full). */
    private transient TokenBucket global;

    private transient double globalPerSecond;
    private transient double globalBurst;
    private transient Counter globalCap;
    /** Sampled request ids of this tenant seen within the horizon (TTL state): producer retries are shadowed once. */
    private transient MapState<String, Boolean> seen;

    private transient Counter duplicate;
    private transient ValueState<Long> cleanupAt;
    private transient Counter notSampled;
    private transient Counter rateLimited;
    private transient Counter otherModel;

    public TenantSampler(
            DeterministicSampler sampler, String servedModel, double perSecond, double burst, MetricsSettings metrics) {
        this(sampler, servedModel, perSecond, burst, Duration.ZERO, Double.POSITIVE_INFINITY, metrics);
    }

    /**
     * @param dedupHorizon how long a sampled request id is remembered (zero: not at all)
     * @param maxPerSecond prompts per second let through over all tenants together
     */
    public TenantSampler(
            DeterministicSampler sampler,
            String servedModel,
            double perSecond,
            double burst,
            Duration dedupHorizon,
            double maxPerSecond,
            MetricsSettings metrics) {
        this.dedupHorizon = dedupHorizon;
        this.maxPerSecond = maxPerSecond;
        this.sampler = sampler;
        this.servedModel = servedModel;
        this.perSecond = perSecond;
        this.burst = burst;
        this.metrics = metrics;
    }

    @Override
    public void open(OpenContext context) {
        io.quantwatch.connectors.JvmResources.releaseWithJob(getRuntimeContext());
        bucket = getRuntimeContext().getState(new ValueStateDescriptor<>("bucket", TokenBucket.class));
        cleanupAt = getRuntimeContext().getState(new ValueStateDescriptor<>("cleanup-at", Long.class));
        if (!dedupHorizon.isZero()) {
            MapStateDescriptor<String, Boolean> d =
                    new MapStateDescriptor<>("seen-request-ids", Types.STRING, Types.BOOLEAN);
            d.enableTimeToLive(StateTtlConfig.newBuilder(dedupHorizon)
                    .updateTtlOnCreateAndWrite()
                    .neverReturnExpired()
                    .cleanupIncrementally(10, false)
                    .build());
            seen = getRuntimeContext().getMapState(d);
        }
        MeterRegistry r = JvmMeterRegistry.get(metrics).registry();
        notSampled = decision(r, "not_sampled");
        rateLimited = decision(r, "rate_limited");
        otherModel = decision(r, "other_model");
        duplicate = decision(r, "duplicate");
        globalCap = decision(r, "global_cap");
        globalPerSecond = maxPerSecond / getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        globalBurst = Math.max(1.0, Math.min(burst, globalPerSecond));
    }

    /** One value of the sampling-decision counter; the shadow stage adds admitted, over_capacity and late. */
    static Counter decision(MeterRegistry r, String decision) {
        return Counter.builder("quantwatch.sampling")
                .tag("decision", decision)
                .description("valid prompts by sampling decision")
                .register(r);
    }

    @Override
    public void processElement(SourcedPrompt sourced, Context ctx, Collector<SourcedPrompt> out) throws Exception {
        PromptEvent prompt = sourced.event();
        if (!"*".equals(servedModel) && !servedModel.equals(prompt.getModel())) {
            otherModel.increment();
            return;
        }
        if (!sampler.sampled(prompt.getRequestId())) {
            notSampled.increment();
            return;
        }
        if (seen != null) {
            if (seen.contains(prompt.getRequestId())) {
                duplicate.increment(); // an at-least-once producer's retry: it must not weigh twice in a window
                return;
            }
            seen.put(prompt.getRequestId(), Boolean.TRUE);
        }
        long now = ctx.timerService().currentProcessingTime();
        boolean capped = Double.isFinite(globalPerSecond);
        if (capped) {
            global = global == null
                    ? TokenBucket.full(globalBurst, now)
                    : global.refill(globalPerSecond, globalBurst, now);
            if (!global.hasToken()) {
                globalCap.increment();
                return;
            }
        }
        TokenBucket b = bucket.value();
        b = b == null ? TokenBucket.full(burst, now) : b.refill(perSecond, burst, now);
        if (!b.hasToken()) {
            rateLimited.increment();
            bucket.update(b);
            return;
        }
        b = b.take();
        if (capped) {
            global = global.take();
        }
        bucket.update(b);
        out.collect(sourced); // counted by the shadow stage as admitted, over capacity or late

        Long previous = cleanupAt.value();
        if (previous != null) {
            ctx.timerService().deleteProcessingTimeTimer(previous);
        }
        long at = now + b.millisUntilFull(perSecond, burst);
        ctx.timerService().registerProcessingTimeTimer(at);
        cleanupAt.update(at);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<SourcedPrompt> out) {
        // The bucket has refilled: a full bucket is what a missing one means, so drop the state.
        bucket.clear();
        cleanupAt.clear();
    }
}
