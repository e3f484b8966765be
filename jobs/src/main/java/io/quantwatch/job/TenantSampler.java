package io.quantwatch.job;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quantwatch.connectors.metrics.JvmMeterRegistry;
import io.quantwatch.connectors.metrics.MetricsSettings;
import io.quantwatch.detectors.sampling.DeterministicSampler;
import io.quantwatch.detectors.sampling.TokenBucket;
import io.quantwatch.schemas.PromptEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by tenant: keeps the prompts whose request id falls in the deterministic sample, then lets
 * at most {@code perSecond} of them through per tenant (token bucket, processing time) so one noisy
 * tenant cannot crowd out the others; the shadow stage then bounds the total it takes on. A tenant's bucket is dropped once it has refilled, so idle
 * tenants hold no state.
 */
public final class TenantSampler extends KeyedProcessFunction<String, PromptEvent, PromptEvent> {
    private static final long serialVersionUID = 1L;

    private final DeterministicSampler sampler;
    private final String servedModel;
    private final double perSecond;
    private final double burst;
    private final MetricsSettings metrics;
    private transient ValueState<TokenBucket> bucket;
    private transient ValueState<Long> cleanupAt;
    private transient Counter notSampled;
    private transient Counter rateLimited;
    private transient Counter otherModel;

    public TenantSampler(DeterministicSampler sampler, String servedModel, double perSecond, double burst, MetricsSettings metrics) {
        this.sampler = sampler;
        this.servedModel = servedModel;
        this.perSecond = perSecond;
        this.burst = burst;
        this.metrics = metrics;
    }

    @Override
    public void open(OpenContext context) {
        bucket = getRuntimeContext().getState(new ValueStateDescriptor<>("bucket", TokenBucket.class));
        cleanupAt = getRuntimeContext().getState(new ValueStateDescriptor<>("cleanup-at", Long.class));
        MeterRegistry r = JvmMeterRegistry.get(metrics).registry();
        notSampled = decision(r, "not_sampled");
        rateLimited = decision(r, "rate_limited");
        otherModel = decision(r, "other_model");
    }

    /** One value of the sampling-decision counter; the shadow stage adds admitted, over_capacity and late. */
    static Counter decision(MeterRegistry r, String decision) {
        return Counter.builder("quantwatch.sampling").tag("decision", decision).description("valid prompts by sampling decision").register(r);
    }

    @Override
    public void processElement(PromptEvent prompt, Context ctx, Collector<PromptEvent> out) throws Exception {
        if (!"*".equals(servedModel) && !servedModel.equals(prompt.getModel())) {
            otherModel.increment();
            return;
        }
        if (!sampler.sampled(prompt.getRequestId())) {
            notSampled.increment();
            return;
        }
        long now = ctx.timerService().currentProcessingTime();
        TokenBucket b = bucket.value();
        b = b == null ? TokenBucket.full(burst, now) : b.refill(perSecond, burst, now);
        if (!b.hasToken()) {
            rateLimited.increment();
            bucket.update(b);
            return;
        }
        b = b.take();
        bucket.update(b);
        out.collect(prompt); // counted by the shadow stage as admitted, over capacity or late

        Long previous = cleanupAt.value();
        if (previous != null) {
            ctx.timerService().deleteProcessingTimeTimer(previous);
        }
        long at = now + b.millisUntilFull(perSecond, burst);
        ctx.timerService().registerProcessingTimeTimer(at);
        cleanupAt.update(at);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<PromptEvent> out) {
        // The bucket has refilled: a full bucket is what a missing one means, so drop the state.
        bucket.clear();
        cleanupAt.clear();
    }
}
