package io.quantwatch.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ConfluentFramingTest {

    @Test
    void theHeaderIsMagicZeroThenTheIdBigEndian() {
        byte[] framed = ConfluentFraming.frame(0x01020304, new byte[] {42});

        assertThat(HexFormat.of().formatHex(framed)).isEqualTo("00010203042a");
        assertThat(ConfluentFraming.isFramed(framed)).isTrue();
        assertThat(ConfluentFraming.schemaId(framed)).isEqualTo(0x01020304);
    }

    @Test
    void readsTheBytesANodeProducerWrote() {
        // @kafkajs/confluent-schema-registry 4.1.0 against Apicurio 3.3.3: {"id": "r1", "n": 5} under schema id 1.
        byte[] node = HexFormat.of().parseHex("00000000010472310a");

        assertThat(ConfluentFraming.schemaId(node)).isEqualTo(1);
    }

    @Test
    void singleObjectAvroJsonAndShortRecordsAreNotFramed() {
        assertThat(ConfluentFraming.isFramed(new byte[] {(byte) 0xC3, 0x01, 0, 0, 0, 0}))
                .isFalse();
        assertThat(ConfluentFraming.isFramed("{\"a\": 1}".getBytes(StandardCharsets.UTF_8)))
                .isFalse();
        assertThat(ConfluentFraming.isFramed(new byte[] {0, 0, 0, 1})).isFalse();
        assertThat(ConfluentFraming.isFramed(null)).isFalse();
        assertThatThrownBy(() -> ConfluentFraming.schemaId(new byte[] {0, 1}))
                .hasMessageContaining("magic byte 0, 4-byte schema id");
    }

    @Test
    void theLargestIdSurvivesTheRoundTrip() {
        assertThat(ConfluentFraming.schemaId(ConfluentFraming.frame(Integer.MAX_VALUE, new byte[0])))
                .isEqualTo(Integer.MAX_VALUE);
    }
}
