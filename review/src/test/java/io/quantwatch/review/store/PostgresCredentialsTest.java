package io.quantwatch.review.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real PostgreSQL that asks for a password (SCRAM-SHA-256): the store connects with credentials given apart from
 * the URL, and a wrong password is refused with a message that shows neither password.
 */
class PostgresCredentialsTest {
    private static final String PASSWORD = "pg-" + Long.toHexString(System.nanoTime());
    private static PostgresServer server;

    @BeforeAll
    static void start() throws Exception {
        server = PostgresServer.start(PASSWORD);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void credentialsGivenApartFromTheUrlOpenTheStore() {
        try (ReviewStore store = ReviewStore.open(server.bareUrl("review"), "postgres", PASSWORD)) {
            assertThat(store.url()).doesNotContain(PASSWORD);
        }
    }

    @Test
    void aWrongPasswordIsRefusedWithoutShowingEither() {
        assertThatThrownBy(() -> ReviewStore.open(server.bareUrl("review"), "postgres", "wrong-" + PASSWORD))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("cannot connect to the review database")
                .hasMessageContaining("password authentication failed")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(PASSWORD));
    }
}
