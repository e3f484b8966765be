package io.quantwatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.connectors.kafka.RawPromptRecord;
import io.quantwatch.connectors.metrics.MetricsSettings;
import io.quantwatch.detectors.sampling.DeterministicSampler;
import io.quantwatch.schemas.PromptEvent;
import java.time.Duration;
import java.time.Instant;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The sampler operator: deterministic sample, per-tenant rate, and no state left for idle tenants. */
class TenantSamplerHarnessTest {

    private static SourcedPrompt prompt(String id, String tenant, String model) {
        PromptEvent e = PromptEvent.newBuilder()
                .setRequestId(id)
                .setTenant(tenant)
                .setModel(model)
                .setPrompt("hi")
                .setEventTime(Instant.EPOCH)
                .build();
        return new SourcedPrompt(e, new RawPromptRecord("prompts", 0, 0, 0, null, new byte[0]));
    }

    private static String tenant(SourcedPrompt p) {
        return p.event().getTenant();
    }

    private static String requestId(SourcedPrompt p) {
        return p.event().getRequestId();
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, SourcedPrompt, SourcedPrompt> harness(
            double rate, String model) throws Exception {
        TenantSampler fn =
                new TenantSampler(new DeterministicSampler(rate, ""), model, 1.0, 3, MetricsSettings.disabled());
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(fn), TenantSamplerHarnessTest::tenant, Types.STRING);
        h.open();
        return h;
    }

    @Test
    void eachTenantGetsItsBurstThenItsRateAndIdleTenantsKeepNoState() throws Exception {
        try (var h = harness(1.0, "*")) {
            h.setProcessingTime(0);
            for (int i = 0; i < 5; i++) {
                h.processElement(prompt("a" + i, "acme", "m"), 0);
                h.processElement(prompt("g" + i, "globex", "m"), 0);
            }
            assertThat(h.extractOutputValues())
                    .extracting(TenantSamplerHarnessTest::requestId)
                    .containsExactly("a0", "g0", "a1", "g1", "a2", "g2");
            assertThat(h.numKeyedStateEntries()).isEqualTo(4); // bucket + cleanup time, per tenant
            assertThat(h.numProcessingTimeTimers()).isEqualTo(2);

            h.setProcessingTime(1000); // one token back for each tenant; their timers are not due yet
            h.processElement(prompt("a5", "acme", "m"), 0);
            assertThat(h.extractOutputValues())
                    .extracting(TenantSamplerHarnessTest::requestId)
                    .last()
                    .isEqualTo("a5");

            h.setProcessingTime(10_000); // both buckets full again: state and timers gone
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numProcessingTimeTimers()).isZero();
        }
    }

    @Test
    void promptsOutsideTheSampleOrForAnotherModelPassNothingAndKeepNoState() throws Exception {
        DeterministicSampler sampler = new DeterministicSampler(0.5, "");
        try (var h = harness(0.5, "served-a")) {
            int expected = 0;
            for (int i = 0; i < 40; i++) {
                h.processElement(prompt("r" + i, "t" + i, "served-a"), 0); // one per tenant: never rate-limited
                h.processElement(prompt("x" + i, "t" + i, "served-b"), 0);
                expected += sampler.sampled("r" + i) ? 1 : 0;
            }
            assertThat(h.extractOutputValues())
                    .hasSize(expected)
                    .allMatch(p -> p.event().getModel().equals("served-a"))
                    .allMatch(p -> sampler.sampled(requestId(p)));
            assertThat(h.numKeyedStateEntries()).isEqualTo(2 * expected);
        }
    }

    @Test
    void aRetriedRequestIdIsShadowedOnceWithinTheHorizonAndAgainAfterIt() throws Exception {
        TenantSampler fn = new TenantSampler(
                new DeterministicSampler(1.0, ""),
                "*",
                1000,
                1000,
                Duration.ofMinutes(10),
                Double.POSITIVE_INFINITY,
                MetricsSettings.disabled());
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(fn), TenantSamplerHarnessTest::tenant, Types.STRING)) {
            h.open();
            h.setStateTtlProcessingTime(0);
            for (int i = 0; i < 3; i++) { // an at-least-once producer retrying
                h.processElement(prompt("r1", "acme", "m"), 0);
            }
            h.processElement(prompt("r1", "globex", "m"), 0); // ids are per tenant
            h.processElement(prompt("r2", "acme", "m"), 0);
            assertThat(h.extractOutputValues())
                    .extracting(p -> tenant(p) + "/" + requestId(p))
                    .containsExactly("acme/r1", "globex/r1", "acme/r2");
            h.setStateTtlProcessingTime(Duration.ofMinutes(10).toMillis() + 1);
            h.processElement(prompt("r1", "acme", "m"), 0);
            assertThat(h.extractOutputValues())
                    .extracting(TenantSamplerHarnessTest::requestId)
                    .last()
                    .isEqualTo("r1");
        }
    }

    @Test
    void tenThousandNewTenantNamesCannotPassMoreThanTheCapOverAllTenants() throws Exception {
        TenantSampler fn = new TenantSampler(
                new DeterministicSampler(1.0, ""),
                "*",
                1.0,
                10,
                Duration.ZERO,
                5.0, // prompts per second over all tenants
                MetricsSettings.disabled());
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(fn), TenantSamplerHarnessTest::tenant, Types.STRING)) {
            h.open();
            h.setProcessingTime(0);
            for (int i = 0; i < 10_000; i++) {
                if (i % 1000 == 0) {
                    h.setProcessingTime(i); // 10 000 prompts over 10 s, each from a tenant never seen before
                }
                h.processElement(prompt("r" + i, "tenant-" + i, "m"), 0);
            }
            // Full bucket (5) + 5 per second for the 9 s that passed; each new tenant alone would have let 10 through.
            assertThat(h.extractOutputValues()).hasSizeBetween(45, 50);
            h.setProcessingTime(60_000); // every tenant's bucket has refilled: nothing is kept for them
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }
}
