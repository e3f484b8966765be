package io.quantwatch.job;

import io.quantwatch.connectors.kafka.AvroSingleObjectSerializer;
import io.quantwatch.connectors.kafka.RawPromptRecord;
import io.quantwatch.schemas.PromptEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * Test traffic: prompt {@code i} as a prompts-topic record stamped with the wall clock, released no earlier
 * than {@code i / perSecond} seconds after the first (chained to its sequence source, so nothing queues in
 * between). Every {@code failEvery}-th prompt carries {@code failMarker}; prompt {@code markerAt} carries
 * {@code marker} as well.
 */
final class PacedPrompts implements MapFunction<Long, RawPromptRecord> {
    private static final long serialVersionUID = 1L;
    private static final AvroSingleObjectSerializer<PromptEvent> BYTES =
            new AvroSingleObjectSerializer<>(PromptEvent.class);

    private final double perSecond;
    private final int failEvery;
    private final String failMarker;
    private final long markerAt;
    private final String marker;
    private transient long start;

    PacedPrompts(double perSecond, int failEvery, String failMarker, long markerAt, String marker) {
        this.perSecond = perSecond;
        this.failEvery = failEvery;
        this.failMarker = failMarker;
        this.markerAt = markerAt;
        this.marker = marker;
    }

    /** The request id of prompt {@code i}. */
    static String id(long i) {
        return "req-" + i;
    }

    @Override
    public RawPromptRecord map(Long i) throws InterruptedException {
        if (start == 0) {
            start = System.currentTimeMillis();
        }
        long due = start + (long) (i / perSecond * 1000);
        long wait = due - System.currentTimeMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
        String text = "question " + i + " about tenant " + (i % 3)
                + (failEvery > 0 && i % failEvery == 0 ? " " + failMarker : "") + (i == markerAt ? " " + marker : "");
        long now = System.currentTimeMillis();
        PromptEvent e = PromptEvent.newBuilder()
                .setRequestId(id(i))
                .setTenant("tenant-" + (i % 3))
                .setModel("m")
                .setTask(i % 2 == 0 ? "chat" : "tool_call")
                .setPrompt(text)
                .setEventTime(Instant.ofEpochMilli(now))
                .setMaxTokens(16)
                .build();
        return new RawPromptRecord("prompts", 0, i, now, id(i).getBytes(StandardCharsets.UTF_8), BYTES.serialize(e));
    }
}
