package io.quantwatch.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** References resolve to what they name; a missing one is refused naming the reference, never printing a secret. */
class SecretReferenceTest {
    @Test
    void envAndFileReferencesResolveInsideALongerValue(@TempDir Path dir) throws Exception {
        Path pw = dir.resolve("kafka-password");
        Files.writeString(pw, "s3cr3t-from-file\n");
        String jaas = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"${env:QW_USER}\""
                + " password=\"${file:" + pw + "}\";";
        String resolved = SecretReference.resolve(jaas, Map.of("QW_USER", "monitor")::get);
        assertThat(resolved)
                .isEqualTo("org.apache.kafka.common.security.scram.ScramLoginModule required username=\"monitor\""
                        + " password=\"s3cr3t-from-file\";");
        assertThat(SecretReference.resolve("plain", n -> null)).isEqualTo("plain");
    }

    @Test
    void aMissingVariableOrFileIsRefusedByNameWithTheFix(@TempDir Path dir) {
        assertThatThrownBy(() -> SecretReference.resolve("${env:QW_MISSING}", n -> null))
                .hasMessageContaining("${env:QW_MISSING}")
                .hasMessageContaining("is not set");
        assertThatThrownBy(() -> SecretReference.resolve("${file:" + dir.resolve("nope") + "}", n -> null))
                .hasMessageContaining("cannot read the file");
        assertThatThrownBy(() -> SecretReference.resolve("${file:relative/pw}", n -> null))
                .hasMessageContaining("must be absolute");
    }

    @Test
    void secretLookingValuesAreMaskedAndReferencesStayVisible() {
        assertThat(SecretMask.value("ssl.keystore.password", "hunter2")).isEqualTo(SecretMask.HIDDEN);
        assertThat(SecretMask.value("ssl.keystore.password", "${env:KS_PW}")).isEqualTo("${env:KS_PW}");
        assertThat(SecretMask.value("bootstrap.servers", "broker:9093")).isEqualTo("broker:9093");
        assertThat(SecretMask.value(
                        "sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"qw\""
                                + " password=\"hunter2\";"))
                .isEqualTo("org.apache.kafka.common.security.scram.ScramLoginModule required username=\"qw\""
                        + " password=\"******\";")
                .doesNotContain("hunter2");
        assertThat(SecretMask.value("basic.auth.user.info", "qw:hunter2")).isEqualTo(SecretMask.HIDDEN);
        assertThat(SecretMask.text("jdbc:postgresql://db/review?user=qw&password=hunter2&ssl=true"))
                .isEqualTo("jdbc:postgresql://db/review?user=qw&password=******&ssl=true");
        assertThat(SecretMask.assignment("kafka.properties.sasl\\.jaas\\.config=x password=\"hunter2\";"))
                .doesNotContain("hunter2");
        assertThat(SecretMask.assignment("kafka.properties.ssl\\.key\\.password=hunter2"))
                .endsWith("=" + SecretMask.HIDDEN);
    }

    @Test
    void kafkaClientsGetTheProvidersOnlyWhenAValueReferencesThem() {
        assertThat(KafkaSecretProviders.withProviders(Map.of("security.protocol", "SASL_SSL")))
                .doesNotContainKey("config.providers");
        Map<String, String> p = KafkaSecretProviders.withProviders(Map.of("sasl.jaas.config", "x ${env:PW}"));
        assertThat(p).containsEntry("config.providers", "env,file").containsEntry("sasl.jaas.config", "x ${env:PW}");
        Map<String, String> own = KafkaSecretProviders.withProviders(
                Map.of("sasl.jaas.config", "x ${vault:pw}", "config.providers", "vault"));
        assertThat(own).containsEntry("config.providers", "vault");
    }
}
