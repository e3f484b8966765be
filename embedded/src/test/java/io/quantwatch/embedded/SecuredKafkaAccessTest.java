package io.quantwatch.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantwatch.security.KafkaAccessCheck;
import io.quantwatch.security.KafkaAccessCheck.KafkaAccessException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A broker with a SASL_SSL (SCRAM-SHA-512) and a mutual-TLS listener, certificates made by keytool: the right
 * settings get in, and each way of getting them wrong fails within seconds with a message that says which.
 */
class SecuredKafkaAccessTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static Path dir;
    private static TestCertificates certs;
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void securedBroker() throws Exception {
        dir = Files.createTempDirectory("quantwatch-tls");
        certs = TestCertificates.create(dir);
        kafka = EmbeddedKafka.startSecured(certs);
        kafka.addScramUser("monitor", "right-password");
        Files.writeString(dir.resolve("kafka-password"), "right-password\n");
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private static Map<String, String> sasl(String passwordValue, Path truststore) {
        Map<String, String> p = new HashMap<>();
        p.put("bootstrap.servers", kafka.bootstrapServers("SASL_SSL"));
        p.put("security.protocol", "SASL_SSL");
        p.put("sasl.mechanism", EmbeddedKafka.SCRAM);
        p.put(
                "sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"monitor\" password=\""
                        + passwordValue + "\";");
        p.put("ssl.truststore.location", truststore.toString());
        p.put("ssl.truststore.password", certs.password());
        p.put("ssl.truststore.type", "PKCS12");
        return p;
    }

    @Test
    void theRightPasswordFromAFileReferenceGetsIn() {
        KafkaAccessCheck.check(sasl("${file:" + dir.resolve("kafka-password") + "}", certs.caTruststore()), TIMEOUT);
    }

    @Test
    void aWrongPasswordIsNamedAsSuch() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> KafkaAccessCheck.check(sasl("wrong-password", certs.caTruststore()), TIMEOUT))
                .isInstanceOf(KafkaAccessException.class)
                .hasMessageContaining("refused the credentials (SASL SCRAM-SHA-512)")
                .hasMessageContaining("sasl.jaas.config")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("wrong-password"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT);
    }

    @Test
    void aBrokerCertificateFromAnotherCaIsNamedAsUntrusted() {
        assertThatThrownBy(() -> KafkaAccessCheck.check(
                        sasl("${file:" + dir.resolve("kafka-password") + "}", certs.otherCaTruststore()), TIMEOUT))
                .isInstanceOf(KafkaAccessException.class)
                .hasMessageContaining("the broker's TLS certificate is not trusted")
                .hasMessageContaining("ssl.truststore.location");
    }

    @Test
    void mutualTlsGetsInWithTheClientCertificateAndIsRefusedWithout() {
        Map<String, String> mtls = new HashMap<>(certs.mutualTlsClient());
        mtls.put("bootstrap.servers", kafka.bootstrapServers("SSL"));
        KafkaAccessCheck.check(mtls, TIMEOUT);

        Map<String, String> noCertificate = new HashMap<>(mtls);
        noCertificate.remove("ssl.keystore.location");
        noCertificate.remove("ssl.keystore.password");
        noCertificate.remove("ssl.key.password");
        noCertificate.remove("ssl.keystore.type");
        assertThatThrownBy(() -> KafkaAccessCheck.check(noCertificate, TIMEOUT))
                .isInstanceOf(KafkaAccessException.class)
                .hasMessageContaining("did not accept this client's certificate")
                .hasMessageContaining("ssl.keystore.location");
    }

    @Test
    void plaintextAgainstATlsListenerSaysTheProtocolMayBeWrong() {
        Map<String, String> p = Map.of("bootstrap.servers", kafka.bootstrapServers("SASL_SSL"));
        assertThatThrownBy(() -> KafkaAccessCheck.check(p, Duration.ofSeconds(3)))
                .isInstanceOf(KafkaAccessException.class)
                .hasMessageContaining("security.protocol=PLAINTEXT")
                .hasMessageContaining("does not answer PLAINTEXT");
    }

    @Test
    void aMissingSecretFileIsNamedBeforeAnyConnection() {
        assertThatThrownBy(() -> KafkaAccessCheck.check(
                        sasl("${file:" + dir.resolve("missing") + "}", certs.caTruststore()), TIMEOUT))
                .isInstanceOf(KafkaAccessException.class)
                .hasMessageContaining("${file:" + dir.resolve("missing") + "}")
                .hasMessageContaining("cannot read the file");
    }
}
