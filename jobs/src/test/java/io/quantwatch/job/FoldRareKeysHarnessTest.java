package io.quantwatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.detectors.ShadowResult;
import io.quantwatch.detectors.window.KeyLabelBudget;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The fold before the windows: bounded tenant and task names out, every record still out, places kept on restore. */
class FoldRareKeysHarnessTest {

    private static ShadowResult result(String tenant, String task) {
        return ShadowResult.withoutComparison(
                new ShadowResult.PromptIdentity("r-" + tenant, tenant, "m", task, 0L),
                "int4",
                ShadowResult.Outcome.SKIPPED,
                "test");
    }

    private static OneInputStreamOperatorTestHarness<ShadowResult, ShadowResult> harness() throws Exception {
        return new OneInputStreamOperatorTestHarness<>(
                new ProcessOperator<>(new FoldRareKeys(3, 2, Duration.ofHours(1), Duration.ofMinutes(10))));
    }

    @Test
    void thousandsOfTenantNamesBecomeAtMostTheLimitAndEveryRecordIsKept() throws Exception {
        try (var h = harness()) {
            h.open();
            for (int i = 0; i < 5_000; i++) {
                h.processElement(result("tenant-" + i, "task-" + (i % 50)), i);
            }
            List<ShadowResult> out = h.extractOutputValues();
            assertThat(out).hasSize(5_000);
            Set<String> tenants = out.stream().map(ShadowResult::tenant).collect(Collectors.toSet());
            Set<String> tasks = out.stream().map(ShadowResult::task).collect(Collectors.toSet());
            assertThat(tenants).hasSizeLessThanOrEqualTo(4).contains(KeyLabelBudget.OTHER);
            assertThat(tasks).hasSizeLessThanOrEqualTo(3).contains(KeyLabelBudget.OTHER);
        }
    }

    @Test
    void theNamedTenantsStayNamedAfterARestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            for (String t : List.of("acme", "globex", "initech", "umbrella")) {
                h.processElement(result(t, "chat"), 0);
            }
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            h.processElement(result("umbrella", "chat"), 0);
            h.processElement(result("globex", "chat"), 0);
            assertThat(h.extractOutputValues())
                    .extracting(ShadowResult::tenant)
                    .containsExactly(KeyLabelBudget.OTHER, "globex");
        }
    }
}
