package io.quantwatch.job.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantwatch.embedded.ApicurioRegistry;
import io.quantwatch.embedded.TestCertificates;
import io.quantwatch.registry.SchemaRegistryClient;
import io.quantwatch.registry.SchemaRegistryException;
import io.quantwatch.registry.SchemaRegistrySettings;
import io.quantwatch.schemas.PromptEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Schema Registry client against a real registry — Apicurio Registry 3.3.3 behind TLS and HTTP basic auth,
 * through its Confluent-compatible API: ids, credentials, certificates, unknown ids and an outage.
 */
class SchemaRegistryClientApicurioTest {
    private static final Schema CHAT_LOG = new Schema.Parser().parse("""
                    {"type": "record", "name": "ChatLog", "namespace": "com.acme", "fields": [
                      {"name": "id", "type": "string"}, {"name": "text", "type": "string"}]}""");

    @TempDir
    static Path dir;

    private static TestCertificates certs;
    private static ApicurioRegistry registry;

    @BeforeAll
    static void startRegistry() {
        certs = TestCertificates.create(dir.resolve("certs"));
        registry = ApicurioRegistry.start(
                Path.of("target/apicurio-registry"),
                dir.resolve("apicurio"),
                new ApicurioRegistry.Security(certs.brokerKeystore(), certs.password(), "quantwatch", "s3cret-pw"));
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    private static SchemaRegistrySettings settings(String password, Path truststore, Duration outageWait) {
        return new SchemaRegistrySettings(
                List.of(registry.url()),
                "quantwatch",
                password,
                truststore.toString(),
                certs.password(),
                "",
                "",
                Duration.ofSeconds(5),
                outageWait);
    }

    @Test
    void aRegisteredSchemaComesBackByIdAndRegisteringAgainKeepsTheId() {
        SchemaRegistryClient client =
                SchemaRegistryClient.connect(settings("s3cret-pw", certs.caTruststore(), Duration.ofSeconds(5)));

        int id = client.register("chat-log-value", CHAT_LOG);

        assertThat(client.schemaById(id)).isEqualTo(CHAT_LOG);
        assertThat(SchemaRegistryClient.connect(settings("s3cret-pw", certs.caTruststore(), Duration.ofSeconds(5)))
                        .register("chat-log-value", CHAT_LOG))
                .isEqualTo(id);
        assertThat(client.lookup("chat-log-value", CHAT_LOG)).isEqualTo(id);
    }

    @Test
    void aSchemaNobodyRegisteredIsNamedWithTheFix() {
        SchemaRegistryClient client =
                SchemaRegistryClient.connect(settings("s3cret-pw", certs.caTruststore(), Duration.ofSeconds(5)));

        assertThatThrownBy(() -> client.lookup("never-registered-value", PromptEvent.getClassSchema()))
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class,
                        e -> assertThat(e.kind()).isEqualTo(SchemaRegistryException.Kind.NOT_FOUND))
                .hasMessageContaining("never-registered-value")
                .hasMessageContaining("auto-register");
        assertThatThrownBy(() -> client.schemaById(987_654))
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class,
                        e -> assertThat(e.kind()).isEqualTo(SchemaRegistryException.Kind.NOT_FOUND));
    }

    @Test
    void aWrongPasswordFailsAtOnceNamingTheSettings() {
        SchemaRegistryClient client =
                SchemaRegistryClient.connect(settings("wrong", certs.caTruststore(), Duration.ofMinutes(5)));
        long start = System.nanoTime();

        assertThatThrownBy(() -> client.schemaById(1))
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class,
                        e -> assertThat(e.kind()).isEqualTo(SchemaRegistryException.Kind.ACCESS_DENIED))
                .hasMessageContaining("401")
                .hasMessageContaining("basic-auth-password")
                .hasMessageNotContaining("wrong");
        // Not retried for the outage wait: a wrong password does not heal.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMinutes(1));
        // `run` asks once at start, so the job is never submitted with it.
        assertThatThrownBy(client::checkAccess).hasMessageContaining("401").hasMessageContaining("basic-auth-password");
        SchemaRegistryClient.connect(settings("s3cret-pw", certs.caTruststore(), Duration.ofMinutes(5)))
                .checkAccess();
    }

    @Test
    void anUntrustedCertificateIsNamedAsSuch() {
        SchemaRegistryClient client =
                SchemaRegistryClient.connect(settings("s3cret-pw", certs.otherCaTruststore(), Duration.ofMinutes(5)));

        assertThatThrownBy(() -> client.schemaById(1))
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class,
                        e -> assertThat(e.kind()).isEqualTo(SchemaRegistryException.Kind.ACCESS_DENIED))
                .hasMessageContaining("not trusted")
                .hasMessageContaining("schema-registry.truststore");
    }

    @Test
    void duringAnOutageCachedSchemasStillServeNewIdsWaitAndThenFailSayingSo() throws Exception {
        SchemaRegistryClient client =
                SchemaRegistryClient.connect(settings("s3cret-pw", certs.caTruststore(), Duration.ofSeconds(1)));
        SchemaRegistryClient patient =
                SchemaRegistryClient.connect(settings("s3cret-pw", certs.caTruststore(), Duration.ofMinutes(3)));
        int known = client.register("outage-known-value", CHAT_LOG);
        client.schemaById(known);
        Schema other = new Schema.Parser().parse("""
                        {"type": "record", "name": "Other", "namespace": "com.acme", "fields": [
                          {"name": "x", "type": "long"}]}""");
        int unseen = client.register("outage-other-value", other);

        registry.stop();
        try {
            assertThat(client.schemaById(known)).isEqualTo(CHAT_LOG);
            assertThatThrownBy(() -> client.schemaById(unseen))
                    .isInstanceOfSatisfying(
                            SchemaRegistryException.class,
                            e -> assertThat(e.kind()).isEqualTo(SchemaRegistryException.Kind.UNAVAILABLE))
                    .hasMessageContaining("has not answered")
                    .hasMessageContaining("outage-wait");
            // A record whose schema is not cached waits for the registry (asked while it is down: start() returns only
            // once it is ready again) and is read when it comes back within the wait.
            CompletableFuture<Schema> waiting = CompletableFuture.supplyAsync(() -> patient.schemaById(unseen));
            registry.start();
            assertThat(waiting.get(1, TimeUnit.MINUTES)).isEqualTo(other);
        } finally {
            registry.start();
        }
    }
}
