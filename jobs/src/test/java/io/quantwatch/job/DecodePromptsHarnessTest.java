package io.quantwatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.connectors.kafka.RawPromptRecord;
import io.quantwatch.connectors.metrics.MetricsSettings;
import io.quantwatch.embedded.DemoTraffic;
import io.quantwatch.schemas.DeadLetter;
import io.quantwatch.schemas.PromptEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
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
        try (var h = new OneInputStreamOperatorTestHarness<>(
                new ProcessOperator<>(new DecodePrompts(MetricsSettings.disabled())))) {
            h.open();
            h.processElement(new RawPromptRecord("prompts", 0, 10, 5, null, DemoTraffic.encode(e, false)), 5);
            h.processElement(new RawPromptRecord("prompts", 0, 11, 6, null, DemoTraffic.encode(e, true)), 6);
            for (int i = 0; i < 5; i++) {
                h.processElement(
                        new RawPromptRecord(
                                "prompts",
                                1,
                                100 + i,
                                7,
                                "k".getBytes(StandardCharsets.UTF_8),
                                DemoTraffic.malformed(i, e)),
                        7);
            }
            h.processElement(new RawPromptRecord("prompts", 1, 200, 8, null, null), 8); // tombstone
            assertThat(h.extractOutputValues())
                    .hasSize(2)
                    .allSatisfy(p -> assertThat(p.event()).isEqualTo(e));
            assertThat(h.extractOutputValues())
                    .extracting(p -> p.source().offset())
                    .containsExactly(10L, 11L);
            List<DeadLetter> dead = h.getSideOutput(DecodePrompts.DEAD_LETTERS).stream()
                    .map(StreamRecord::getValue)
                    .toList();
            assertThat(dead).hasSize(6);
            assertThat(dead).extracting(DeadLetter::getOffset).containsExactly(100L, 101L, 102L, 103L, 104L, 200L);
            assertThat(dead.get(1).getReason()).contains("prompt");
            assertThat(dead.get(2).getReason()).contains("max_tokens");
            assertThat(dead.get(0).getValue().array()).isEqualTo(DemoTraffic.malformed(0, e));
            assertThat(dead.get(5).getValue()).isNull();
            assertThat(dead.get(5).getErrorClass()).isEqualTo("EMPTY");
        }
    }

    @Test
    void aTenMegabyteRecordBecomesADeadLetterThatStillFitsTheTopic() throws Exception {
        byte[] value = new byte[10 * 1024 * 1024];
        Arrays.fill(value, (byte) '{');
        try (var h = new OneInputStreamOperatorTestHarness<>(
                new ProcessOperator<>(new DecodePrompts(MetricsSettings.disabled())))) {
            h.open();
            h.processElement(
                    new RawPromptRecord(
                            "prompts", 3, 42, 9, "k".repeat(100_000).getBytes(StandardCharsets.UTF_8), value),
                    9);
            DeadLetter d = h.getSideOutput(DecodePrompts.DEAD_LETTERS).stream()
                    .map(StreamRecord::getValue)
                    .findFirst()
                    .orElseThrow();
            assertThat(d.getErrorClass()).isEqualTo("RECORD_TOO_LARGE");
            assertThat(d.getTruncated()).isTrue();
            assertThat(d.getValue().remaining()).isEqualTo(DecodePrompts.MAX_VALUE_BYTES);
            assertThat(d.getKey().remaining()).isEqualTo(DecodePrompts.MAX_KEY_BYTES);
            assertThat(d.getValueLength()).isEqualTo(value.length);
            assertThat(d.getValueSha256())
                    .isEqualTo(HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256").digest(value)));
            assertThat(d.getPartition()).isEqualTo(3);
            assertThat(d.getOffset()).isEqualTo(42);
            // Under a default producer's max.request.size (1 MiB) with room for the Kafka key and headers.
            assertThat(d.toByteBuffer().remaining()).isLessThan(600 * 1024);
        }
    }

    @Test
    void eventTimesFarFromTheClockAreDeadLetteredNotAllowedToDragTheWatermark() throws Exception {
        long now = Instant.parse("2026-11-28T12:00:00Z").toEpochMilli();
        DemoTraffic traffic = new DemoTraffic(2, 64);
        var decode = new DecodePrompts(
                MetricsSettings.disabled(),
                null,
                null,
                io.quantwatch.registry.SchemaRegistrySettings.none(),
                Duration.ofMinutes(5),
                Duration.ofDays(7));
        try (var h = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(decode))) {
            h.open();
            h.setProcessingTime(now);
            long[] offsets = {
                now + 2 * 3_600_000L,
                now + 240_000,
                now - 8 * 86_400_000L,
                now - 86_400_000L,
                Instant.parse("2100-01-01T00:00:00Z").toEpochMilli()
            };
            for (int i = 0; i < offsets.length; i++) {
                PromptEvent e = traffic.next(Instant.ofEpochMilli(offsets[i]));
                h.processElement(
                        new RawPromptRecord("prompts", 0, i, now, null, DemoTraffic.encode(e, i % 2 == 0)), now);
            }
            assertThat(h.extractOutputValues())
                    .extracting(SourcedPrompt::eventTimeMillis)
                    .containsExactly(offsets[1], offsets[3]);
            List<DeadLetter> dead = h.getSideOutput(DecodePrompts.DEAD_LETTERS).stream()
                    .map(StreamRecord::getValue)
                    .toList();
            assertThat(dead).extracting(DeadLetter::getOffset).containsExactly(0L, 2L, 4L);
            assertThat(dead).allSatisfy(d -> {
                assertThat(d.getErrorClass()).isEqualTo("EVENT_TIME_OUT_OF_RANGE");
                assertThat(d.getReason()).startsWith("field 'event_time' ").contains("windows.max-skew");
            });
            assertThat(dead.get(0).getReason()).contains("PT2H ahead");
            assertThat(dead.get(1).getReason()).contains("PT192H behind");
        }
    }
}
