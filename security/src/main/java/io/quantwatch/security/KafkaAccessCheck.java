package io.quantwatch.security;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;

/**
 * Connects once with the monitor's Kafka client settings before anything starts, and turns the ways a secured broker
 * turns a client away (wrong password, untrusted certificate, a certificate the broker does not accept, the wrong
 * protocol) into one message that says which, instead of a job that restarts forever.
 */
public final class KafkaAccessCheck {
    private KafkaAccessCheck() {}

    /** Throws {@link KafkaAccessException} unless the brokers at {@code bootstrap.servers} let this client in. */
    public static void check(Map<String, String> clientProperties, Duration timeout) {
        Map<String, Object> p = new HashMap<>(KafkaSecretProviders.withProviders(clientProperties));
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        p.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "quantwatch-access-check");
        String servers = clientProperties.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        String protocol = clientProperties.getOrDefault(AdminClientConfig.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT");
        Admin admin;
        try {
            admin = Admin.create(p);
        } catch (KafkaException e) {
            throw new KafkaAccessException(
                    "the Kafka client settings are unusable: " + SecretMask.text(rootMessage(e)));
        }
        try (admin) {
            admin.describeCluster().nodes().get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new KafkaAccessException(explain(e.getCause(), servers, protocol, clientProperties));
        } catch (TimeoutException e) {
            throw new KafkaAccessException(noAnswer(servers, protocol, timeout));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaAccessException("interrupted while connecting to Kafka at " + servers);
        }
    }

    static String explain(Throwable cause, String servers, String protocol, Map<String, String> props) {
        if (cause instanceof SaslAuthenticationException) {
            return "Kafka at " + servers + " refused the credentials (SASL "
                    + props.getOrDefault("sasl.mechanism", "GSSAPI")
                    + "): " + SecretMask.text(cause.getMessage())
                    + " — check the username and password in sasl.jaas.config (and that the user exists for this"
                    + " mechanism)";
        }
        if (cause instanceof SslAuthenticationException) {
            String root = rootMessage(cause);
            if (root.contains("PKIX") || root.contains("certification path")) {
                return "Kafka at " + servers + ": the broker's TLS certificate is not trusted (" + root + ")"
                        + " — put the CA that signed it in ssl.truststore.location";
            }
            if (root.contains("bad_certificate")
                    || root.contains("certificate_required")
                    || root.contains("unknown_ca")) {
                return "Kafka at " + servers + ": the broker did not accept this client's certificate (" + root + ")"
                        + " — mutual TLS needs ssl.keystore.location with a certificate signed by a CA the broker trusts";
            }
            if (root.contains("No name matching") || root.contains("No subject alternative")) {
                return "Kafka at " + servers + ": the broker's certificate does not name the host connected to (" + root
                        + ") — connect by a name in its certificate, or fix the certificate's SAN";
            }
            return "Kafka at " + servers + ": the TLS handshake failed (" + root + ")";
        }
        if (cause instanceof AuthenticationException) {
            return "Kafka at " + servers + " did not authenticate this client: " + SecretMask.text(rootMessage(cause));
        }
        if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
            return noAnswer(servers, protocol, null);
        }
        return "Kafka at " + servers + ": " + SecretMask.text(rootMessage(cause));
    }

    private static String noAnswer(String servers, String protocol, Duration timeout) {
        return "no Kafka broker answered at " + servers
                + (timeout == null ? "" : " within " + timeout.toSeconds() + " s")
                + " with security.protocol=" + protocol
                + " — check the address, and that the listener speaks this protocol (a SASL_SSL or SSL listener"
                + " does not answer PLAINTEXT, and the other way round)";
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return root == t ? m : m + " [" + root.getClass().getSimpleName() + "]";
    }

    /** The broker turned the client away, or never answered; the message says which and what to fix. */
    public static final class KafkaAccessException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        KafkaAccessException(String message) {
            super(message);
        }
    }
}
