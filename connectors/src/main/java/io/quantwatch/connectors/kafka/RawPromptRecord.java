package io.quantwatch.connectors.kafka;

/**
 * A prompts-topic record exactly as Kafka delivered it, before decoding: what the dead-letter topic
 * keeps when the record cannot be used.
 */
public record RawPromptRecord(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {}
