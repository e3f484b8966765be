package io.quantwatch.review;

import io.quantwatch.review.ingest.ReviewIngestion;
import io.quantwatch.review.store.ReviewStore;
import io.quantwatch.review.web.ReviewServer;
import io.quantwatch.security.SecretMask;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The review page as one running thing: the store, ingestion from the monitor's topics, the web server, and the
 * retention sweep (hourly: what ended longer than {@code retention} ago is forgotten, labels included).
 */
public final class ReviewApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReviewApp.class);

    /** Everything the page needs to run. */
    public record Settings(
            Map<String, String> kafka,
            String group,
            boolean fromEarliest,
            ReviewIngestion.Topics topics,
            String database,
            String databaseUser,
            String databasePassword,
            ReviewServer.Settings server,
            Duration retention,
            io.quantwatch.registry.SchemaRegistrySettings registry) {
        public Settings {
            if (retention == null || retention.isNegative() || retention.isZero()) {
                throw new IllegalArgumentException("review retention must be positive (e.g. 30d), got " + retention);
            }
        }

        /** Secrets masked: a record's own toString would print the password and the Kafka credentials. */
        @Override
        public String toString() {
            Map<String, String> shownKafka = new java.util.TreeMap<>();
            kafka.forEach((k, v) -> shownKafka.put(k, SecretMask.value(k, v)));
            return "Settings[kafka=" + shownKafka + ", group=" + group + ", database=" + SecretMask.text(database)
                    + ", databaseUser=" + databaseUser + ", databasePassword="
                    + (databasePassword == null ? "none" : SecretMask.HIDDEN) + ", server=" + server + ", retention="
                    + retention + ", registry=" + registry.urls() + "]";
        }
    }

    private final ReviewStore store;
    private final ReviewIngestion ingestion;
    private final ReviewServer server;
    private final ScheduledExecutorService sweeper;

    private ReviewApp(Settings s, Clock clock) {
        this.store = ReviewStore.open(s.database(), s.databaseUser(), s.databasePassword());
        this.ingestion =
                new ReviewIngestion(s.kafka(), s.group(), s.fromEarliest(), s.topics(), store, s.registry()).start();
        this.server = new ReviewServer(store, ingestion::progress, s.server(), clock).start();
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "quantwatch-review-retention");
            t.setDaemon(true);
            return t;
        });
        sweeper.scheduleWithFixedDelay(
                () -> {
                    try {
                        int n = store.deleteBefore(clock.instant().minus(s.retention()));
                        if (n > 0) {
                            LOG.info("quantwatch review: retention forgot {} rows older than {}", n, s.retention());
                        }
                    } catch (RuntimeException e) {
                        LOG.warn("quantwatch review: retention sweep failed: {}", e.toString());
                    }
                },
                0,
                1,
                TimeUnit.HOURS);
    }

    public static ReviewApp start(Settings settings) {
        return new ReviewApp(settings, Clock.systemUTC());
    }

    /** The page's address. */
    public String url() {
        return server.url();
    }

    public String database() {
        return store.url();
    }

    @Override
    public void close() throws InterruptedException {
        sweeper.shutdownNow();
        server.close();
        ingestion.close();
        store.close();
    }
}
