package io.quantwatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.connectors.kafka.RawPromptRecord;
import io.quantwatch.schemas.PromptEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.junit.jupiter.api.Test;

/** What a prompt costs in state and on the wire: Flink's POJO serializer with Avro's inside, never Kryo. */
class SourcedPromptTypeTest {

    @Test
    void aSourcedPromptIsAFlinkPojoWithTheEventInAvroAndSurvivesARoundTrip() throws Exception {
        TypeInformation<SourcedPrompt> type = TypeInformation.of(SourcedPrompt.class);
        assertThat(type).isInstanceOf(PojoTypeInfo.class);
        PojoTypeInfo<SourcedPrompt> pojo = (PojoTypeInfo<SourcedPrompt>) type;
        assertThat(pojo.getTypeAt("event")).isInstanceOf(AvroTypeInfo.class);
        assertThat(pojo.getTypeAt("source")).isInstanceOf(PojoTypeInfo.class);

        PromptEvent e = PromptEvent.newBuilder()
                .setRequestId("r")
                .setTenant("t")
                .setModel("m")
                .setPrompt("hi")
                .setEventTime(Instant.parse("2026-11-28T10:00:00Z"))
                .build();
        SourcedPrompt p = new SourcedPrompt(
                e, new RawPromptRecord("prompts", 3, 42, 7, null, "bytes".getBytes(StandardCharsets.UTF_8)));
        TypeSerializer<SourcedPrompt> serializer = type.createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(128);
        serializer.serialize(p, out);
        SourcedPrompt back = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(back.event()).isEqualTo(e);
        assertThat(back.source().offset()).isEqualTo(42);
        assertThat(back.source().partition()).isEqualTo(3);
        assertThat(back.source().key()).isNull();
        assertThat(back.source().value()).isEqualTo(p.source().value());
    }
}
