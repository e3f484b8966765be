package io.quantwatch.job;

import io.quantwatch.connectors.kafka.RawPromptRecord;
import io.quantwatch.connectors.kafka.ShadowRecordMapping;
import io.quantwatch.detectors.ShadowResult;
import io.quantwatch.schemas.PromptEvent;

/**
 * A valid prompt with the Kafka record it was decoded from, so a prompt rejected later (too long for the
 * reference, a pipeline error) still goes to the dead-letter topic with its original coordinates and bytes.
 * A Java record of a POJO and an Avro type: Flink serializes it with its own versioned POJO serializer, never Kryo.
 */
public record SourcedPrompt(PromptEvent event, RawPromptRecord source) {

    public long eventTimeMillis() {
        return event.getEventTime().toEpochMilli();
    }

    /** Which prompt a shadow result belongs to. */
    public ShadowResult.PromptIdentity identity() {
        return ShadowRecordMapping.identity(event);
    }
}
