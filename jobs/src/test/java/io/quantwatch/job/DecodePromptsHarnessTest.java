package io.quantwatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.connectors.kafka.RawPromptRecord;
import io.quantwatch.connectors.metrics.MetricsSettings;
import io.quantwatch.embedded.DemoTraffic;
import io.quantwatch.schemas.DeadLetter;
import io.quantwatch.schemas.PromptEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The decode operator: valid prompts pass, every malformed record becomes a dead letter with its coordinates and bytes. */
class DecodePromptsHarnessTest {

    @Test
    void validPromptsPassAndMalformedOnesBecomeDeadLettersWithTheirBytes() throws Exception {
        PromptEvent e = new DemoTraffic(1, 64).next(Instant.parse("2026-11-27T10:00:00Z"));
        try (var h = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new DecodePrompts(MetricsSettings.disabled())))) {
            h.open();
            h.processElement(new RawPromptRecord("prompts", 0, 10, 5, null, DemoTraffic.encode(e, false)), 5);
            h.processElement(new RawPromptRecord("prompts", 0, 11, 6, null, DemoTraffic.encode(e, true)), 6);
            for (int i = 0; i < 5; i++) {
                h.processElement(new RawPromptRecord("prompts", 1, 100 + i, 7, "k".getBytes(StandardCharsets.UTF_8),
                        DemoTraffic.malformed(i, e)), 7);
            }
            h.processElement(new RawPromptRecord("prompts", 1, 200, 8, null, null), 8); // tombstone
            assertThat(h.extractOutputValues()).hasSize(2).allSatisfy(p -> assertThat(p).isEqualTo(e));
            List<DeadLetter> dead = h.getSideOutput(DecodePrompts.DEAD_LETTERS).stream().map(StreamRecord::getValue).toList();
            assertThat(dead).hasSize(6);
            assertThat(dead).extracting(DeadLetter::getOffset).containsExactly(100L, 101L, 102L, 103L, 104L, 200L);
            assertThat(dead.get(1).getReason()).contains("prompt");
            assertThat(dead.get(2).getReason()).contains("max_tokens");
            assertThat(dead.get(0).getValue().array()).isEqualTo(DemoTraffic.malformed(0, e));
            assertThat(dead.get(5).getValue()).isNull();
            assertThat(dead.get(5).getErrorClass()).isEqualTo("EMPTY");
        }
    }
}
