package io.quantwatch.review.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every review database does the same way, SQLite or PostgreSQL. */
abstract class ReviewStoreContract {
    static final Instant W1 = Instant.parse("2026-11-28T10:05:00Z");
    static final Instant W2 = Instant.parse("2026-11-28T10:10:00Z");

    ReviewStore store;

    /** A fresh, empty database's URL. */
    abstract String freshUrl() throws Exception;

    @BeforeEach
    void open() throws Exception {
        store = ReviewStore.open(freshUrl());
    }

    @AfterEach
    void close() {
        store.close();
    }

    static DivergentExample sample(String id, String candidate, double badness, Instant window, String json) {
        return new DivergentExample(
                id,
                "m",
                candidate,
                "tool_call",
                "acme",
                window,
                badness,
                3,
                0.25,
                json,
                true,
                "{\"a\":1}",
                "{\"a\":2}");
    }

    static WindowPoint window(String candidate, Instant end, double identical) {
        Band b = new Band(identical, identical - 0.05, identical + 0.05);
        return new WindowPoint(
                "m", candidate, "*", "*", end.minusSeconds(300), end, 40, b, b, 0.01, 0.02, Band.NONE, b, b, "WATCH");
    }

    static AlertChange alert(String candidate, String state, Instant end) {
        return new AlertChange(
                "json-broken", "json-broken-rate", state, "m", candidate, "*", "*", end, 0.1, 0.05, 0.2, 0.02, 50);
    }

    @Test
    void aReplayedTopicAddsNothing() {
        assertThat(store.add(sample("r1", "int4", 2, W1, "NONE"))).isTrue();
        assertThat(store.add(sample("r1", "int4", 2, W1, "NONE"))).isFalse();
        assertThat(store.add(window("int4", W1, 0.8))).isTrue();
        assertThat(store.add(window("int4", W1, 0.8))).isFalse();
        assertThat(store.add(alert("int4", "FIRING", W1))).isTrue();
        assertThat(store.add(alert("int4", "FIRING", W1))).isFalse();
        assertThat(store.queue(SampleFilter.ALL, 100)).hasSize(1);
        assertThat(store.timeline("m", "int4", "*", "*", W1.minusSeconds(1), W2))
                .hasSize(1);
        assertThat(store.alerts("m", null, W1, W1)).hasSize(1);
    }

    @Test
    void theQueueIsWorstFirstAndFilters() {
        store.add(sample("a", "int4", 1, W1, "NONE"));
        store.add(sample("b", "int4", 5, W1, "TRAILING_COMMA"));
        store.add(sample("c", "nf4", 3, W2, "NONE"));
        store.add(sample("d", "nf4", Double.NaN, W2, "NONE"));
        assertThat(store.queue(SampleFilter.ALL, 10))
                .extracting(s -> s.sample().requestId())
                .containsExactly("b", "c", "a", "d");
        assertThat(store.queue(new SampleFilter(null, "nf4", null, null, null, null, null, null, null), 10))
                .extracting(s -> s.sample().requestId())
                .containsExactly("c", "d");
        assertThat(store.queue(new SampleFilter(null, null, null, null, "TRAILING_COMMA", null, null, null, null), 10))
                .extracting(s -> s.sample().requestId())
                .containsExactly("b");
        assertThat(store.queue(new SampleFilter(null, null, null, null, null, W1, null, null, null), 1))
                .extracting(s -> s.sample().requestId())
                .containsExactly("b");
        assertThat(store.sample(store.queue(SampleFilter.ALL, 1).get(0).id())
                        .orElseThrow()
                        .sample()
                        .badness())
                .isEqualTo(5);
        assertThat(store.queue(SampleFilter.ALL, 10).get(3).sample().badness()).isNaN();
    }

    @Test
    void labelsPersistChangeAndFilterTheQueue() {
        store.add(sample("a", "int4", 1, W1, "NONE"));
        store.add(sample("b", "int4", 5, W1, "NONE"));
        store.add(sample("c", "nf4", 3, W2, "NONE"));
        String a =
                new DivergentExample("a", "m", "int4", "tool_call", "acme", W1, 1, 3, 0.25, "NONE", true, "", "").id();
        String b = store.queue(SampleFilter.ALL, 1).get(0).id();
        store.label(List.of(a, b), new Review(Label.REGRESSION, "ana", "tool name changed", W2));
        store.label(List.of(b), new Review(Label.NEEDS_SECOND_LOOK, "bo", "", W2.plusSeconds(1)));
        assertThat(store.sample(a).orElseThrow().review())
                .isEqualTo(new Review(Label.REGRESSION, "ana", "tool name changed", W2));
        assertThat(store.sample(b).orElseThrow().review().label()).isEqualTo(Label.NEEDS_SECOND_LOOK);
        assertThat(store.queue(new SampleFilter(null, null, null, null, null, null, "unlabelled", null, null), 10))
                .extracting(s -> s.sample().requestId())
                .containsExactly("c");
        assertThat(store.queue(new SampleFilter(null, null, null, null, null, null, "regression", null, null), 10))
                .extracting(s -> s.sample().requestId())
                .containsExactly("a");
        assertThat(store.labelCounts(W1, W2))
                .isEqualTo(Map.of("int4", Map.of(Label.REGRESSION, 1L, Label.NEEDS_SECOND_LOOK, 1L)));
        // All or nothing: an unknown id refuses the call and labels nothing.
        String c = store.queue(new SampleFilter(null, "nf4", null, null, null, null, null, null, null), 1)
                .get(0)
                .id();
        assertThatThrownBy(() -> store.label(List.of(c, "nope"), new Review(Label.NOISE, "ana", "", W2)))
                .hasMessageContaining("no sample with id 'nope'");
        assertThat(store.sample(c).orElseThrow().review()).isNull();
        assertThatThrownBy(() -> store.label(List.of(c), new Review(Label.NOISE, " ", "", W2)))
                .hasMessageContaining("reviewer is required");
        assertThatThrownBy(() -> new SampleFilter(null, null, null, null, null, null, "bad", null, null))
                .hasMessageContaining("[regression, acceptable, noise, needs-second-look]");
    }

    @Test
    void hostileTextComesBackExactly() {
        String hostile = "<script>alert(1)</script><img src=x onerror=alert(2)> '; DROP TABLE samples; -- "
                + "{".repeat(500) + " \uD83D\uDE00 " + "x".repeat(1 << 20);
        store.add(new DivergentExample(
                "h", "m", "int4", "chat", "acme", W1, 1, 0, 0, "UNBALANCED_BRACKETS", false, "ok", hostile));
        assertThat(store.queue(SampleFilter.ALL, 1).get(0).sample().candidateText())
                .isEqualTo(hostile);
        // NUL cannot be stored by PostgreSQL: both engines keep it as a visible mark.
        store.add(new DivergentExample("n", "m", "int4", "chat", "acme", W2, 1, 0, 0, "NONE", false, "a\u0000b", "c"));
        assertThat(store.queue(new SampleFilter(null, null, null, null, null, W2, null, null, null), 1)
                        .get(0)
                        .sample()
                        .referenceText())
                .isEqualTo("a\u2400b");
    }

    @Test
    void timelineAndAlertsAreKeyedAndRanged() {
        store.add(window("int4", W1, 0.8));
        store.add(window("int4", W2, 0.7));
        store.add(window("nf4", W2, 0.9));
        assertThat(store.timeline("m", "int4", "*", "*", W1, W2))
                .extracting(w -> w.identical().value())
                .containsExactly(0.8, 0.7);
        assertThat(store.timeline("m", null, "*", "*", W2, W2)).hasSize(2);
        WindowPoint back = store.timeline("m", "nf4", "*", "*", W1, W2).get(0);
        assertThat(back).isEqualTo(window("nf4", W2, 0.9)); // NaN bands included
        store.add(alert("int4", "FIRING", W1));
        store.add(alert("int4", "RESOLVED", W2));
        assertThat(store.alerts("m", "int4", W1, W2))
                .extracting(AlertChange::state)
                .containsExactly("FIRING", "RESOLVED");
        assertThat(store.candidates()).containsExactly(List.of("m", "int4"), List.of("m", "nf4"));
    }

    @Test
    void retentionForgetsOldWindowsSamplesAlertsAndTheirLabels() {
        store.add(sample("old", "int4", 1, W1, "NONE"));
        store.add(sample("new", "int4", 1, W2, "NONE"));
        store.add(window("int4", W1, 0.8));
        store.add(alert("int4", "FIRING", W1));
        String old = store.queue(new SampleFilter(null, null, null, null, null, W1, null, null, null), 1)
                .get(0)
                .id();
        store.label(List.of(old), new Review(Label.NOISE, "ana", "", W2));
        assertThat(store.deleteBefore(W2)).isEqualTo(3);
        assertThat(store.queue(SampleFilter.ALL, 10))
                .extracting(s -> s.sample().requestId())
                .containsExactly("new");
        assertThat(store.labelCounts(Instant.EPOCH, W2)).isEmpty();
        // The old sample replayed comes back unlabelled: a label never outlives its sample.
        store.add(sample("old", "int4", 1, W1, "NONE"));
        assertThat(store.sample(old).orElseThrow().review()).isNull();
    }

    @Test
    void anExportStreamsTheLabelledSamplesWorstFirstWithEveryLabelTheyHad() throws Exception {
        store.add(sample("r1", "int4", 2, W1, "NONE"));
        store.add(sample("r2", "int4", 9, W1, "NONE"));
        store.add(sample("r3", "int4", 5, W1, "NONE"));
        List<String> ids = store.queue(SampleFilter.ALL, 10).stream()
                .map(ReviewedSample::id)
                .toList(); // r2, r3, r1
        store.label(List.of(ids.get(0)), new Review(Label.REGRESSION, "ana", "", W1));
        store.label(List.of(ids.get(0)), new Review(Label.ACCEPTABLE, "bo", "on second look", W2));
        store.label(List.of(ids.get(2)), new Review(Label.NOISE, "ana", "", W1));
        List<String> rows = new java.util.ArrayList<>();
        store.exportLabelled(
                SampleFilter.ALL,
                (sample, history) -> rows.add(sample.sample().requestId() + ":"
                        + history.stream()
                                .map(r -> r.label().wire() + "/" + r.reviewer())
                                .toList()));

        assertThat(rows).containsExactly("r2:[regression/ana, acceptable/bo]", "r1:[noise/ana]");
    }
}
