package io.quantwatch.connectors.kafka;

import io.quantwatch.registry.FramedAvro;
import io.quantwatch.registry.SchemaRegistryClient;
import io.quantwatch.registry.SchemaRegistrySettings;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.SerializationSchema;

/**
 * Writes the monitor's Avro records in the Schema Registry's framing, under the id its schema has in {@code subject}
 * (registered at start when {@code register}, else looked up: a schema nobody registered stops the sink with a message
 * that says so).
 */
public final class RegistryAvroSerializer<T extends SpecificRecord> implements SerializationSchema<T> {
    private static final long serialVersionUID = 1L;

    private final Class<T> type;
    private final SchemaRegistrySettings registry;
    private final String subject;
    private final boolean register;
    private transient int schemaId = -1;

    public RegistryAvroSerializer(Class<T> type, SchemaRegistrySettings registry, String subject, boolean register) {
        this.type = type;
        this.registry = registry;
        this.subject = subject;
        this.register = register;
    }

    @Override
    public void open(InitializationContext context) {
        Schema schema = SpecificData.get().getSchema(type);
        SchemaRegistryClient client = SchemaRegistryClient.connect(registry);
        schemaId = register ? client.register(subject, schema) : client.lookup(subject, schema);
    }

    @Override
    public byte[] serialize(T element) {
        if (schemaId < 0) {
            open(null);
        }
        return FramedAvro.write(schemaId, element);
    }

    /** The subject of a topic's values under the registry's default naming ({@code TopicNameStrategy}). */
    public static String valueSubject(String topic) {
        return topic + "-value";
    }
}
