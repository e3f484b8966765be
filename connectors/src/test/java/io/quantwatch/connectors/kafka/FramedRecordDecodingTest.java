package io.quantwatch.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.connectors.chat.ChatTemplateLoader;
import io.quantwatch.registry.ConfluentFraming;
import io.quantwatch.registry.SchemaRegistryClient;
import io.quantwatch.registry.SchemaRegistrySettings;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Schema Registry framed records when the registry cannot be asked: the dead letter says why and what to do (the
 * records themselves are read against a real registry in the jobs module's SchemaRegistryEndToEndTest).
 */
class FramedRecordDecodingTest {
    private static final byte[] FRAMED = ConfluentFraming.frame(17, new byte[] {4, 'h', 'i'});

    @Test
    void withoutARegistryAFramedRecordSaysWhichSettingIsMissing() {
        DecodedPrompt d = new PromptRecordDecoder().decode(FRAMED);

        assertThat(d).isInstanceOfSatisfying(DecodedPrompt.Invalid.class, i -> {
            assertThat(i.errorKind()).isEqualTo("SCHEMA_REGISTRY_NOT_CONFIGURED");
            assertThat(i.reason()).contains("schema id 17").contains("schema-registry.url");
        });
    }

    @Test
    void anUnreachableRegistryIsWaitedForThenTheRecordIsADeadLetterThatSaysSo() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort(); // nothing listens once it is closed: a registry that is down
        }
        SchemaRegistrySettings down = new SchemaRegistrySettings(
                List.of("http://127.0.0.1:" + closedPort),
                "",
                "",
                "",
                "",
                "",
                "",
                Duration.ofSeconds(1),
                Duration.ofMillis(300));
        PromptRecordDecoder decoder = new PromptRecordDecoder(
                ChatTemplateLoader.Result.NOT_CONFIGURED,
                RecordMapping.load(RecordMapping.Settings.none()),
                SchemaRegistryClient.connect(down));

        DecodedPrompt d = decoder.decode(FRAMED);

        assertThat(d).isInstanceOfSatisfying(DecodedPrompt.Invalid.class, i -> {
            assertThat(i.errorKind()).isEqualTo("SCHEMA_REGISTRY_UNAVAILABLE");
            assertThat(i.reason())
                    .contains("writer schema (id 17)")
                    .contains("has not answered")
                    .contains("replay it from the dead-letter topic");
        });
    }
}
