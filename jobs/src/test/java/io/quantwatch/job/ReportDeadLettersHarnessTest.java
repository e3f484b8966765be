package io.quantwatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.connectors.kafka.RawPromptRecord;
import io.quantwatch.connectors.metrics.JvmMeterRegistry;
import io.quantwatch.connectors.metrics.MetricsSettings;
import io.quantwatch.embedded.CounterTotals;
import io.quantwatch.schemas.DeadLetter;
import java.time.Duration;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Dead letters are counted by class and passed on unchanged; no state is kept. */
class ReportDeadLettersHarnessTest {

    @Test
    void deadLettersAreCountedByClassAndPassedOn() throws Exception {
        JvmMeterRegistry.shutdown();
        MetricsSettings metrics = new MetricsSettings(true, "127.0.0.1", 0, null, Duration.ofSeconds(30));
        CounterTotals counters = new CounterTotals(JvmMeterRegistry.get(metrics).registry());
        try (var h = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new ReportDeadLetters(metrics)))) {
            h.open();
            for (int i = 0; i < 5; i++) {
                DeadLetter d = DecodePrompts.deadLetter(
                        new RawPromptRecord("prompts", 1, i, 0, null, new byte[] {1}),
                        "reason " + i,
                        i < 3 ? "INVALID_JSON" : "RECORD_TOO_LARGE");
                h.processElement(d, i);
                h.setProcessingTime(i * 1_000L);
            }
            assertThat(h.extractOutputValues())
                    .extracting(DeadLetter::getOffset)
                    .containsExactly(0L, 1L, 2L, 3L, 4L);
            assertThat(counters.total("quantwatch.dead.letters", "error_class", "INVALID_JSON"))
                    .isEqualTo(3);
            assertThat(counters.total("quantwatch.dead.letters", "error_class", "RECORD_TOO_LARGE"))
                    .isEqualTo(2);
            assertThat(counters.total("quantwatch.task.restarts")).isZero();
            assertThat(h.getProcessingTimeService().getNumActiveTimers()).isZero();
        } finally {
            JvmMeterRegistry.shutdown();
        }
    }
}
