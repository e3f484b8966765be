package io.quantwatch.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaParseException;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;

/**
 * Guards the topic contracts: every schema stays fully compatible (old readers read new data and new
 * readers read old data) with its published snapshot in {@code src/test/resources/compat}, and
 * single-object encoding round-trips with the fingerprint in the header.
 */
class SchemaContractTest {
    static final Map<String, Schema> CURRENT = Map.of(
            "PromptEvent",
            PromptEvent.getClassSchema(),
            "ShadowRecord",
            ShadowRecord.getClassSchema(),
            "DriftMetrics",
            DriftMetrics.getClassSchema(),
            "DriftAlert",
            DriftAlert.getClassSchema(),
            "DivergentSample",
            DivergentSample.getClassSchema(),
            "DeadLetter",
            DeadLetter.getClassSchema());

    static Schema published(String name) throws Exception {
        Schema.Parser parser = new Schema.Parser();
        // Shared named types first, as the code generator reads them.
        for (String file : List.of("ShadowRecord", "DriftMetrics", name)) {
            try (InputStream in = SchemaContractTest.class.getResourceAsStream("/compat/" + file + ".avsc")) {
                Schema s = parser.parse(in);
                if (file.equals(name)) {
                    return s;
                }
            } catch (SchemaParseException alreadyDefined) {
                if (file.equals(name)) {
                    return parser.getTypes().get("io.quantwatch.schemas." + name);
                }
            }
        }
        throw new AssertionError("unreachable");
    }

    @Test
    void everySchemaIsFullyCompatibleWithItsPublishedVersion() throws Exception {
        for (Map.Entry<String, Schema> e : CURRENT.entrySet()) {
            Schema old = published(e.getKey());
            assertThat(SchemaCompatibility.checkReaderWriterCompatibility(e.getValue(), old)
                            .getType())
                    .as("%s: new readers read data written with the published schema", e.getKey())
                    .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
            assertThat(SchemaCompatibility.checkReaderWriterCompatibility(old, e.getValue())
                            .getType())
                    .as("%s: published readers read new data", e.getKey())
                    .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
        }
    }

    @Test
    void promptEventsRoundTripInSingleObjectEncoding() throws Exception {
        PromptEvent p = PromptEvent.newBuilder()
                .setRequestId("r-1")
                .setTenant("acme")
                .setModel("demo")
                .setPrompt("User: hi\nAssistant:")
                .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L))
                .setResponseFormat(ResponseFormat.JSON)
                .build();
        ByteBuffer bytes = p.toByteBuffer();
        assertThat(bytes.get(0)).isEqualTo((byte) 0xC3); // single-object marker C3 01, then the 8-byte fingerprint
        assertThat(bytes.get(1)).isEqualTo((byte) 0x01);
        PromptEvent back = PromptEvent.fromByteBuffer(bytes);
        assertThat(back).isEqualTo(p);
        assertThat(back.getTask()).isEqualTo("unknown");
        assertThat(back.getMaxTokens()).isEqualTo(256);
    }

    @Test
    void bytesThatAreNotOurSchemaAreRejectedClearly() throws Exception {
        assertThatThrownBy(() -> PromptEvent.fromByteBuffer(ByteBuffer.wrap("{\"prompt\": 1}".getBytes())))
                .isInstanceOf(BadHeaderException.class);
        ByteBuffer other = DriftAlert.newBuilder()
                .setRule("r")
                .setMetric("m")
                .setState(AlertState.FIRING)
                .setModel("x")
                .setCandidate("c")
                .setTask("t")
                .setTenant("a")
                .setWindowEnd(Instant.EPOCH)
                .setValue(1)
                .setLower(1)
                .setUpper(1)
                .setThreshold(0.5)
                .setSamples(3)
                .build()
                .toByteBuffer();
        assertThatThrownBy(() -> PromptEvent.fromByteBuffer(other)).isInstanceOf(MissingSchemaException.class);
    }

    @Test
    void generatedClassesAreSpecificRecords() {
        assertThat(SpecificRecordBase.class).isAssignableFrom(PromptEvent.class);
    }
}
