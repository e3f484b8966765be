package io.quantwatch.registry;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * How to reach a Confluent-compatible Schema Registry ({@code schema-registry.*}). Passwords may be
 * {@code ${env:NAME}} or {@code ${file:/path}} references: they are resolved by the client that uses them, on the
 * machine it runs on, so the secret never enters a printed or shipped configuration.
 *
 * @param urls               base URLs, tried in order (Confluent: {@code https://host:8081}; Apicurio:
 *                           {@code …/apis/ccompat/v7}); empty: no registry
 * @param basicAuthUser      HTTP basic-auth user ({@code ""}: none)
 * @param basicAuthPassword  its password, or a reference to it
 * @param truststore         PKCS12 or JKS file of the CAs the registry's certificate is checked against ({@code ""}:
 *                           the JVM's)
 * @param truststorePassword its password, or a reference to it
 * @param keystore           PKCS12 or JKS file with this client's certificate, for registries requiring mutual TLS
 * @param keystorePassword   its password, or a reference to it
 * @param requestTimeout     longest wait for one answer
 * @param outageWait         how long a record waits for an unreachable registry before it is dead-lettered with a
 *                           reason saying so (the registry's cached schemas keep working meanwhile)
 */
public record SchemaRegistrySettings(
        List<String> urls,
        String basicAuthUser,
        String basicAuthPassword,
        String truststore,
        String truststorePassword,
        String keystore,
        String keystorePassword,
        Duration requestTimeout,
        Duration outageWait)
        implements Serializable {

    public SchemaRegistrySettings {
        urls = urls == null ? List.of() : List.copyOf(urls);
        basicAuthUser = basicAuthUser == null ? "" : basicAuthUser;
        basicAuthPassword = basicAuthPassword == null ? "" : basicAuthPassword;
        truststore = truststore == null ? "" : truststore;
        truststorePassword = truststorePassword == null ? "" : truststorePassword;
        keystore = keystore == null ? "" : keystore;
        keystorePassword = keystorePassword == null ? "" : keystorePassword;
        requestTimeout = requestTimeout == null ? Duration.ofSeconds(10) : requestTimeout;
        outageWait = outageWait == null ? Duration.ofSeconds(30) : outageWait;
    }

    /** No registry: framed records are dead letters that say how to configure one. */
    public static SchemaRegistrySettings none() {
        return new SchemaRegistrySettings(List.of(), "", "", "", "", "", "", null, null);
    }

    /** Plain HTTP(S) without credentials (tests, local registries). */
    public static SchemaRegistrySettings at(String url) {
        return new SchemaRegistrySettings(List.of(url), "", "", "", "", "", "", null, null);
    }

    public boolean configured() {
        return !urls.isEmpty();
    }
}
