package io.quantwatch.review.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded default: a SQLite file under a data directory; it survives a restart of the page. */
class SqliteReviewStoreTest extends ReviewStoreContract {
    @TempDir
    Path dir;

    private int databases;

    @Override
    String freshUrl() {
        return ReviewStore.sqliteUrl(dir.resolve("db" + databases++));
    }

    @Test
    void labelsSurviveReopeningTheFile() throws Exception {
        Path data = dir.resolve("kept");
        java.nio.file.Files.createDirectories(data);
        String id;
        try (ReviewStore s = ReviewStore.open(ReviewStore.sqliteUrl(data))) {
            s.add(sample("a", "int4", 1, W1, "NONE"));
            id = s.queue(SampleFilter.ALL, 1).get(0).id();
            s.label(java.util.List.of(id), new Review(Label.ACCEPTABLE, "ana", "", W2));
        }
        try (ReviewStore s = ReviewStore.open(ReviewStore.sqliteUrl(data))) {
            assertThat(s.sample(id).orElseThrow().review().label()).isEqualTo(Label.ACCEPTABLE);
        }
    }

    @Test
    void anUnknownDatabaseUrlIsRefusedNamingWhatWorks() {
        assertThatThrownBy(() -> ReviewStore.open("jdbc:mysql://x/y"))
                .hasMessageContaining("neither jdbc:sqlite:FILE nor jdbc:postgresql://");
    }
}
