package io.quantwatch.review.store;

import java.sql.Connection;
import java.sql.DriverManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The team setup: the same contract against a real PostgreSQL server, started on loopback for this test. */
class PostgresReviewStoreTest extends ReviewStoreContract {
    private static PostgresServer server;
    private static int databases;

    @BeforeAll
    static void start() throws Exception {
        server = PostgresServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Override
    String freshUrl() throws Exception {
        String name = "review_" + databases++;
        try (Connection c = DriverManager.getConnection(server.url("postgres"))) {
            c.createStatement().execute("CREATE DATABASE " + name);
        }
        return server.url(name);
    }
}
