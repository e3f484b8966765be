package io.quantwatch.embedded;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A single-node Kafka broker in this JVM, in KRaft mode (broker and controller in one process, no
 * ZooKeeper, no Docker): formats a fresh log directory, listens on loopback ports picked at start,
 * and deletes its data on {@link #close()}. For {@code quantwatch demo} and the integration tests.
 */
public final class EmbeddedKafka implements AutoCloseable {
    /** The SCRAM mechanism of the secured listener. */
    public static final String SCRAM = "SCRAM-SHA-512";

    private final Path dataDir;
    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Map<String, String> securedListeners;

    private EmbeddedKafka(
            Path dataDir, KafkaRaftServer server, String bootstrapServers, Map<String, String> securedListeners) {
        this.dataDir = dataDir;
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.securedListeners = securedListeners;
    }

    /** Formats a temporary log directory and starts the broker; returns once it accepts clients. */
    public static EmbeddedKafka start() {
        return start(null);
    }

    /**
     * A broker that also listens with SASL_SSL (SCRAM-SHA-512) and with mutual TLS (SSL, client certificates
     * required), both with {@code certs}; ACLs are enforced (StandardAuthorizer, nothing allowed without an ACL) for
     * every principal but the PLAINTEXT one, which tests use to set things up. Users are added with {@link #addScramUser}.
     */
    public static EmbeddedKafka startSecured(TestCertificates certs) {
        return start(certs);
    }

    private static EmbeddedKafka start(TestCertificates certs) {
        Path dir;
        try {
            dir = Files.createTempDirectory("quantwatch-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the embedded broker's log directory", e);
        }
        int brokerPort = freePort();
        int controllerPort = freePort();
        int saslPort = certs == null ? 0 : freePort();
        int tlsPort = certs == null ? 0 : freePort();
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        String listeners = "PLAINTEXT://127.0.0.1:" + brokerPort;
        if (certs != null) {
            listeners += ",SASL_SSL://127.0.0.1:" + saslPort + ",SSL://127.0.0.1:" + tlsPort;
            secure(p, certs);
        }
        p.put("listeners", listeners + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", listeners);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL,SSL:SSL");
        p.put("log.dirs", dir.toString());
        p.put("num.partitions", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        // Records carry the time the broker appended them: the demo and the overload benchmark read window
        // freshness from it (Flink's sink would otherwise stamp each window with its own end).
        p.put("log.message.timestamp.type", "LogAppendTime");
        KafkaConfig config = new KafkaConfig(p, false);
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(PrintStream.nullOutputStream()))
                    .setNodeId(1)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(dir.toString()))
                    .setMetadataLogDirectory(dir.toString())
                    .setControllerListenerName("CONTROLLER")
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format the embedded broker's log directory " + dir, e);
        }
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        Map<String, String> secured =
                certs == null ? Map.of() : Map.of("SASL_SSL", "127.0.0.1:" + saslPort, "SSL", "127.0.0.1:" + tlsPort);
        EmbeddedKafka kafka = new EmbeddedKafka(dir, server, "127.0.0.1:" + brokerPort, secured);
        kafka.awaitReady();
        return kafka;
    }

    /** Ready when the broker answers a cluster description with itself as a registered node. */
    private void awaitReady() {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000))) {
            Readiness.of("embedded Kafka broker " + bootstrapServers, null, null, Duration.ofMinutes(1))
                    .await(() -> admin.describeCluster()
                                    .nodes()
                                    .get(5, TimeUnit.SECONDS)
                                    .isEmpty()
                            ? Optional.of("no broker registered yet")
                            : Optional.empty());
        }
    }

    /** Broker and listener settings of the secured listeners, and the authorizer that enforces ACLs on them. */
    private static void secure(Properties p, TestCertificates certs) {
        p.put("sasl.enabled.mechanisms", SCRAM);
        p.put(
                "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        p.put("ssl.keystore.location", certs.brokerKeystore().toString());
        p.put("ssl.keystore.password", certs.password());
        p.put("ssl.key.password", certs.password());
        p.put("ssl.keystore.type", "PKCS12");
        p.put("ssl.truststore.location", certs.caTruststore().toString());
        p.put("ssl.truststore.password", certs.password());
        p.put("ssl.truststore.type", "PKCS12");
        p.put("listener.name.ssl.ssl.client.auth", "required");
        p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        // Tests set up topics, users and ACLs over PLAINTEXT; the broker and controller talk over it too.
        p.put("super.users", "User:ANONYMOUS");
        p.put("allow.everyone.if.no.acl.found", "false");
    }

    /** The address of a secured listener ({@code SASL_SSL} or {@code SSL}) of a broker started with {@link #startSecured}. */
    public String bootstrapServers(String securityProtocol) {
        String address = securedListeners.get(securityProtocol);
        if (address == null) {
            throw new IllegalArgumentException("no " + securityProtocol + " listener: start with startSecured");
        }
        return address;
    }

    /** Adds (or updates) a SCRAM-SHA-512 user, through the PLAINTEXT listener. */
    public void addScramUser(String user, String password) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.alterUserScramCredentials(List.of(new org.apache.kafka.clients.admin.UserScramCredentialUpsertion(
                            user,
                            new org.apache.kafka.clients.admin.ScramCredentialInfo(
                                    org.apache.kafka.clients.admin.ScramMechanism.SCRAM_SHA_512, 8192),
                            password)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot add the SCRAM user " + user + ": " + e.getMessage(), e);
        }
    }

    /** Adds ACL bindings, through the PLAINTEXT listener. */
    public void addAcls(java.util.Collection<org.apache.kafka.common.acl.AclBinding> acls) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot add ACLs: " + e.getMessage(), e);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Creates topics (1 partition, replication 1) if they do not exist yet. */
    public void createTopics(String... names) {
        createTopics(1, names);
    }

    /** Creates topics with {@code partitions} partitions (replication 1) if they do not exist yet. */
    public void createTopics(int partitions, String... names) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            List<NewTopic> topics = Stream.of(names)
                    .filter(n -> n != null && !n.isBlank())
                    .map(n -> new NewTopic(n, partitions, (short) 1))
                    .toList();
            try {
                admin.createTopics(topics).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException(
                            "cannot create topics " + List.of(names) + ": "
                                    + e.getCause().getMessage(),
                            e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // Best effort: the directory is under the system temp dir.
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on loopback", e);
        }
    }
}
