package io.quantwatch.review.store;

import io.quantwatch.security.SecretMask;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.flywaydb.core.Flyway;

/**
 * The review database: SQLite in a data directory by default, PostgreSQL by JDBC URL for teams, its schema migrated by
 * Flyway on open. Adding what the monitor published is idempotent (a replayed topic adds nothing); labels are kept per
 * sample. One connection, used by one caller at a time: the page and its ingestion are light, and SQLite serializes
 * writers anyway.
 */
public final class ReviewStore implements AutoCloseable {
    private static final String SAMPLE_COLUMNS = "s.sample_id, s.request_id, s.model, s.candidate, s.task, s.tenant,"
            + " s.window_end, s.badness, s.first_divergent_token, s.mean_kl, s.json_failure, s.redacted,"
            + " s.reference_text, s.candidate_text, l.label, l.reviewer, l.note, l.labelled_at";

    private final String url;
    private final String user;
    private final String password;
    private Connection connection;

    private ReviewStore(String url, String user, String password, Connection connection) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.connection = connection;
    }

    /**
     * Drops the connection and opens a new one (the database restarted, a network blip): ingestion calls this after a
     * failure instead of giving up. Fails with the reason, password hidden, if the database is still away.
     */
    public synchronized void reconnect() {
        try {
            connection.close();
        } catch (SQLException e) {
            // the old connection is broken anyway
        }
        try {
            connection = DriverManager.getConnection(url, user, password);
        } catch (SQLException e) {
            throw new StoreException(
                    "cannot reconnect to the review database " + redacted(url) + ": "
                            + redactedText(e.getMessage(), password),
                    null);
        }
    }

    /** The embedded default: {@code review.db} under {@code dataDir}. */
    public static String sqliteUrl(Path dataDir) {
        return "jdbc:sqlite:" + dataDir.toAbsolutePath().resolve("review.db");
    }

    /** Opens (creating or migrating the schema) the store at a {@code jdbc:sqlite:} or {@code jdbc:postgresql:} URL. */
    public static ReviewStore open(String jdbcUrl) {
        return open(jdbcUrl, null, null);
    }

    /**
     * As {@link #open(String)}, with credentials kept out of the URL (so they are in no process list, log or
     * message); null user and password: those of the URL, if any.
     */
    public static ReviewStore open(String jdbcUrl, String user, String password) {
        if (!jdbcUrl.startsWith("jdbc:sqlite:") && !jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("review database '" + redacted(jdbcUrl)
                    + "' is neither jdbc:sqlite:FILE nor jdbc:postgresql://HOST:PORT/DB");
        }
        if (jdbcUrl.startsWith("jdbc:sqlite:")) {
            createDataDirectory(Path.of(jdbcUrl.substring("jdbc:sqlite:".length()))
                    .toAbsolutePath()
                    .getParent());
        }
        try {
            Flyway.configure()
                    .dataSource(jdbcUrl, user, password)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
            Connection c = DriverManager.getConnection(jdbcUrl, user, password);
            if (jdbcUrl.startsWith("jdbc:sqlite:")) {
                try (var st = c.createStatement()) {
                    // Readers (an export on its own connection) and the writer (ingestion) do not block each other.
                    st.execute("PRAGMA journal_mode=WAL");
                    st.execute("PRAGMA busy_timeout=10000");
                }
            }
            return new ReviewStore(jdbcUrl, user, password, c);
        } catch (SQLException | org.flywaydb.core.api.FlywayException e) {
            // Driver messages can quote the URL; the password never leaves here.
            throw new StoreException(
                    "cannot connect to the review database " + redacted(jdbcUrl) + ": "
                            + redactedText(e.getMessage(), password),
                    null);
        }
    }

    private static String redactedText(String message, String password) {
        String m = redacted(message == null ? "" : message);
        return password == null || password.isEmpty() ? m : m.replace(password, "***");
    }

    private static void createDataDirectory(Path dir) {
        try {
            java.nio.file.Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new StoreException("cannot create the review data directory " + dir + " (review.data-dir)", e);
        }
    }

    /** The URL without its password, for messages. */
    static String redacted(String jdbcUrl) {
        return SecretMask.text(jdbcUrl);
    }

    public String url() {
        return redacted(url);
    }

    /** Stores a sample unless this very sample is already there; true when it was new. */
    public synchronized boolean add(DivergentExample s) {
        return update(
                        "INSERT INTO samples (sample_id, request_id, model, candidate, task, tenant, window_end, badness,"
                                + " first_divergent_token, mean_kl, json_failure, redacted, reference_text, candidate_text)"
                                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sample_id) DO NOTHING",
                        s.id(),
                        s.requestId(),
                        s.model(),
                        s.candidate(),
                        s.task(),
                        s.tenant(),
                        s.windowEnd().toEpochMilli(),
                        s.badness(),
                        s.firstDivergentToken(),
                        s.meanKl(),
                        s.jsonFailure(),
                        s.redacted(),
                        visibleNul(s.referenceText()),
                        visibleNul(s.candidateText()))
                == 1;
    }

    /**
     * U+0000 as U+2400 (a visible NUL mark): PostgreSQL's text cannot hold NUL, and a model can emit it. Both engines
     * keep the mark rather than fail the sample.
     */
    static String visibleNul(String text) {
        return text.indexOf('\u0000') < 0 ? text : text.replace('\u0000', '\u2400');
    }

    /** Stores a window unless it is already there; true when it was new. */
    public synchronized boolean add(WindowPoint w) {
        List<Object> v = new ArrayList<>(List.of(
                w.id(),
                w.model(),
                w.candidate(),
                w.task(),
                w.tenant(),
                w.windowStart().toEpochMilli(),
                w.windowEnd().toEpochMilli(),
                w.prompts()));
        addBand(v, w.identical());
        addBand(v, w.sameTop1());
        v.add(w.meanKl());
        v.add(w.klP95());
        addBand(v, w.jsonBroken());
        addBand(v, w.eosEarly());
        addBand(v, w.eosLate());
        v.add(w.verdict());
        return update(
                        "INSERT INTO windows (window_id, model, candidate, task, tenant, window_start, window_end,"
                                + " prompts, identical, identical_lower, identical_upper, same_top1, same_top1_lower,"
                                + " same_top1_upper, mean_kl, kl_p95, json_broken, json_broken_lower, json_broken_upper,"
                                + " eos_early, eos_early_lower, eos_early_upper, eos_late, eos_late_lower, eos_late_upper,"
                                + " verdict) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                                + " ?, ?, ?, ?) ON CONFLICT (window_id) DO NOTHING",
                        v.toArray())
                == 1;
    }

    private static void addBand(List<Object> v, Band b) {
        v.add(b.value());
        v.add(b.lower());
        v.add(b.upper());
    }

    /** Stores an alert transition unless it is already there; true when it was new. */
    public synchronized boolean add(AlertChange a) {
        return update(
                        "INSERT INTO alerts (alert_id, rule_name, metric, state, model, candidate, task, tenant,"
                                + " window_end, observed, lower_bound, upper_bound, threshold, samples)"
                                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (alert_id) DO NOTHING",
                        a.id(),
                        a.rule(),
                        a.metric(),
                        a.state(),
                        a.model(),
                        a.candidate(),
                        a.task(),
                        a.tenant(),
                        a.windowEnd().toEpochMilli(),
                        a.value(),
                        a.lower(),
                        a.upper(),
                        a.threshold(),
                        a.samples())
                == 1;
    }

    /** The samples a filter keeps, worst first (highest badness, then the latest window). */
    public synchronized List<ReviewedSample> queue(SampleFilter f, int limit) {
        List<Object> args = new ArrayList<>();
        StringBuilder where = where(f, args);
        args.add(limit);
        return query(
                "SELECT " + SAMPLE_COLUMNS + " FROM samples s LEFT JOIN labels l ON l.sample_id = s.sample_id" + where
                        + ORDER + " LIMIT ?",
                args,
                ReviewStore::sample);
    }

    /** What an export receives per labelled sample: the sample with its current review, and every review it had. */
    @FunctionalInterface
    public interface ExportRow {
        void accept(ReviewedSample sample, List<Review> history) throws java.io.IOException;
    }

    /**
     * Streams the labelled samples a filter keeps, worst first, to {@code out}, one at a time from the database (the
     * label filter in SQL, rows fetched in small batches) on a connection of its own: an export of any size holds
     * one sample in memory and never the store's lock, so the page keeps answering while it runs.
     */
    public void exportLabelled(SampleFilter f, ExportRow out) throws java.io.IOException {
        List<Object> args = new ArrayList<>();
        StringBuilder where = where(f, args).append(" AND l.label IS NOT NULL");
        try (Connection c = DriverManager.getConnection(url, user, password)) {
            c.setAutoCommit(false); // PostgreSQL streams with a cursor only inside a transaction
            // The order is computed over ids alone, each sample then read by its key: sorting whole rows of
            // gigabytes of text would spill them all to the database's temporary files first.
            try (PreparedStatement st = c.prepareStatement("SELECT s.sample_id"
                            + " FROM samples s JOIN labels l ON l.sample_id = s.sample_id" + where + ORDER);
                    PreparedStatement one = c.prepareStatement("SELECT " + SAMPLE_COLUMNS
                            + " FROM samples s JOIN labels l ON l.sample_id = s.sample_id WHERE s.sample_id = ?");
                    PreparedStatement history = c.prepareStatement(HISTORY)) {
                st.setFetchSize(256);
                bind(st, args);
                try (ResultSet ids = st.executeQuery()) {
                    while (ids.next()) {
                        one.setString(1, ids.getString(1));
                        try (ResultSet r = one.executeQuery()) {
                            if (r.next()) {
                                ReviewedSample sample = sample(r);
                                out.accept(sample, history(history, sample.id()));
                            }
                        }
                    }
                }
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new StoreException("review database export failed: " + redactedText(e.getMessage(), password), e);
        }
    }

    private static final String ORDER =
            // NULL (NaN) badness last on both engines: PostgreSQL would put NULLs first in a descending order.
            " ORDER BY CASE WHEN s.badness IS NULL THEN 1 ELSE 0 END, s.badness DESC, s.window_end DESC, s.sample_id";

    private static StringBuilder where(SampleFilter f, List<Object> args) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        condition(where, args, "s.model = ?", f.model());
        condition(where, args, "s.candidate = ?", f.candidate());
        condition(where, args, "s.task = ?", f.task());
        condition(where, args, "s.tenant = ?", f.tenant());
        condition(where, args, "s.json_failure = ?", f.jsonFailure());
        condition(
                where,
                args,
                "s.window_end = ?",
                f.windowEnd() == null ? null : f.windowEnd().toEpochMilli());
        condition(
                where,
                args,
                "s.window_end >= ?",
                f.from() == null ? null : f.from().toEpochMilli());
        condition(where, args, "s.window_end <= ?", f.to() == null ? null : f.to().toEpochMilli());
        if (SampleFilter.UNLABELLED.equals(f.label())) {
            where.append(" AND l.label IS NULL");
        } else {
            condition(where, args, "l.label = ?", f.label());
        }
        return where;
    }

    public synchronized Optional<ReviewedSample> sample(String id) {
        return query(
                        "SELECT " + SAMPLE_COLUMNS
                                + " FROM samples s LEFT JOIN labels l ON l.sample_id = s.sample_id WHERE s.sample_id = ?",
                        List.of(id),
                        ReviewStore::sample)
                .stream()
                .findFirst();
    }

    /** The windows of one key (any candidate when {@code candidate} is null) ending in [from, to], oldest first. */
    public synchronized List<WindowPoint> timeline(
            String model, String candidate, String task, String tenant, Instant from, Instant to) {
        List<Object> args = new ArrayList<>(List.of(task, tenant, from.toEpochMilli(), to.toEpochMilli()));
        StringBuilder where =
                new StringBuilder(" WHERE task = ? AND tenant = ? AND window_end >= ? AND window_end <= ?");
        condition(where, args, "model = ?", model);
        condition(where, args, "candidate = ?", candidate);
        return query("SELECT * FROM windows" + where + " ORDER BY candidate, window_end", args, ReviewStore::window);
    }

    /** Alert transitions of windows ending in [from, to] (any candidate when null), oldest first. */
    public synchronized List<AlertChange> alerts(String model, String candidate, Instant from, Instant to) {
        List<Object> args = new ArrayList<>(List.of(from.toEpochMilli(), to.toEpochMilli()));
        StringBuilder where = new StringBuilder(" WHERE window_end >= ? AND window_end <= ?");
        condition(where, args, "model = ?", model);
        condition(where, args, "candidate = ?", candidate);
        return query("SELECT * FROM alerts" + where + " ORDER BY window_end, rule_name", args, ReviewStore::alert);
    }

    /** The (model, candidate) pairs that have windows, for the page's pickers. */
    public synchronized List<List<String>> candidates() {
        return query(
                "SELECT DISTINCT model, candidate FROM windows UNION SELECT DISTINCT model, candidate FROM samples"
                        + " ORDER BY 1, 2",
                List.of(),
                r -> List.of(r.getString(1), r.getString(2)));
    }

    /**
     * Labels every sample of {@code ids} (all or none: an unknown id refuses the whole call, naming it). The reviewer
     * name is recorded, not trusted: who may label is the token's business.
     */
    public synchronized int label(List<String> ids, Review review) {
        if (review.reviewer() == null || review.reviewer().isBlank()) {
            throw new IllegalArgumentException("reviewer is required: say who labels (any name; it is recorded)");
        }
        try {
            connection.setAutoCommit(false);
            try {
                for (String id : ids) {
                    if (query("SELECT 1 FROM samples WHERE sample_id = ?", List.of(id), r -> 1)
                            .isEmpty()) {
                        throw new IllegalArgumentException("no sample with id '" + id + "'");
                    }
                    update(
                            "INSERT INTO labels (sample_id, label, reviewer, note, labelled_at) VALUES (?, ?, ?, ?, ?)"
                                    + " ON CONFLICT (sample_id) DO UPDATE SET label = excluded.label,"
                                    + " reviewer = excluded.reviewer, note = excluded.note,"
                                    + " labelled_at = excluded.labelled_at",
                            id,
                            review.label().wire(),
                            review.reviewer(),
                            review.note() == null ? "" : review.note(),
                            review.at().toEpochMilli());
                    update(
                            "INSERT INTO label_history (sample_id, label, reviewer, note, labelled_at, seq)"
                                    + " VALUES (?, ?, ?, ?, ?,"
                                    + " (SELECT COUNT(*) FROM label_history WHERE sample_id = ?))",
                            id,
                            review.label().wire(),
                            review.reviewer(),
                            review.note() == null ? "" : review.note(),
                            review.at().toEpochMilli(),
                            id);
                }
                connection.commit();
                return ids.size();
            } catch (RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot label " + ids, e);
        }
    }

    /** Every label {@code id} was given, oldest first (the last is its current one). */
    public synchronized List<Review> history(String id) {
        try (PreparedStatement st = connection.prepareStatement(HISTORY)) {
            return history(st, id);
        } catch (SQLException e) {
            throw new StoreException("review database query failed: " + e.getMessage(), e);
        }
    }

    private static final String HISTORY =
            "SELECT label, reviewer, note, labelled_at FROM label_history WHERE sample_id = ? ORDER BY seq";

    private static List<Review> history(PreparedStatement st, String id) throws SQLException {
        st.setString(1, id);
        List<Review> out = new ArrayList<>();
        try (ResultSet r = st.executeQuery()) {
            while (r.next()) {
                out.add(new Review(
                        Label.ofWire(r.getString(1)),
                        r.getString(2),
                        r.getString(3),
                        Instant.ofEpochMilli(r.getLong(4))));
            }
        }
        return out;
    }

    /** Labelled samples per candidate and label, among samples of windows ending in [from, to]. */
    public synchronized Map<String, Map<Label, Long>> labelCounts(Instant from, Instant to) {
        Map<String, Map<Label, Long>> out = new TreeMap<>();
        query(
                        "SELECT s.candidate, l.label, COUNT(*) FROM labels l JOIN samples s ON s.sample_id = l.sample_id"
                                + " WHERE s.window_end >= ? AND s.window_end <= ? GROUP BY s.candidate, l.label",
                        List.of(from.toEpochMilli(), to.toEpochMilli()),
                        r -> List.of(r.getString(1), r.getString(2), r.getLong(3)))
                .forEach(row -> out.computeIfAbsent((String) row.get(0), c -> new LinkedHashMap<>())
                        .put(Label.ofWire((String) row.get(1)), (Long) row.get(2)));
        return out;
    }

    /** Forgets samples, their labels, windows and alerts of windows that ended before {@code cutoff}. */
    public synchronized int deleteBefore(Instant cutoff) {
        long t = cutoff.toEpochMilli();
        update("DELETE FROM labels WHERE sample_id IN (SELECT sample_id FROM samples WHERE window_end < ?)", t);
        update("DELETE FROM label_history WHERE sample_id IN (SELECT sample_id FROM samples WHERE window_end < ?)", t);
        return update("DELETE FROM samples WHERE window_end < ?", t)
                + update("DELETE FROM windows WHERE window_end < ?", t)
                + update("DELETE FROM alerts WHERE window_end < ?", t);
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw new StoreException("cannot close the review database", e);
        }
    }

    private static void condition(StringBuilder where, List<Object> args, String clause, Object value) {
        if (value != null) {
            where.append(" AND ").append(clause);
            args.add(value);
        }
    }

    private int update(String sql, Object... args) {
        try (PreparedStatement st = connection.prepareStatement(sql)) {
            bind(st, List.of(args));
            return st.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("review database update failed: " + e.getMessage(), e);
        }
    }

    /** One row as a value. */
    private interface RowMapper<T> {
        T map(ResultSet r) throws SQLException;
    }

    private <T> List<T> query(String sql, List<Object> args, RowMapper<T> mapper) {
        try (PreparedStatement st = connection.prepareStatement(sql)) {
            bind(st, args);
            try (ResultSet r = st.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (r.next()) {
                    out.add(mapper.map(r));
                }
                return out;
            }
        } catch (SQLException e) {
            throw new StoreException("review database query failed: " + e.getMessage(), e);
        }
    }

    private static void bind(PreparedStatement st, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            Object a = args.get(i);
            if (a instanceof Double d && d.isNaN()) {
                st.setNull(i + 1, Types.DOUBLE); // SQLite has no NaN: stored as NULL on both engines, read back as NaN
            } else if (a instanceof Boolean b) {
                st.setBoolean(i + 1, b);
            } else {
                st.setObject(i + 1, a);
            }
        }
    }

    private static double real(ResultSet r, String column) throws SQLException {
        double d = r.getDouble(column);
        return r.wasNull() ? Double.NaN : d;
    }

    private static Band band(ResultSet r, String column) throws SQLException {
        return new Band(real(r, column), real(r, column + "_lower"), real(r, column + "_upper"));
    }

    private static ReviewedSample sample(ResultSet r) throws SQLException {
        DivergentExample s = new DivergentExample(
                r.getString("request_id"),
                r.getString("model"),
                r.getString("candidate"),
                r.getString("task"),
                r.getString("tenant"),
                Instant.ofEpochMilli(r.getLong("window_end")),
                real(r, "badness"),
                r.getInt("first_divergent_token"),
                real(r, "mean_kl"),
                r.getString("json_failure"),
                r.getBoolean("redacted"),
                r.getString("reference_text"),
                r.getString("candidate_text"));
        String label = r.getString("label");
        Review review = label == null
                ? null
                : new Review(
                        Label.ofWire(label),
                        r.getString("reviewer"),
                        r.getString("note"),
                        Instant.ofEpochMilli(r.getLong("labelled_at")));
        return new ReviewedSample(r.getString("sample_id"), s, review);
    }

    private static WindowPoint window(ResultSet r) throws SQLException {
        return new WindowPoint(
                r.getString("model"),
                r.getString("candidate"),
                r.getString("task"),
                r.getString("tenant"),
                Instant.ofEpochMilli(r.getLong("window_start")),
                Instant.ofEpochMilli(r.getLong("window_end")),
                r.getLong("prompts"),
                band(r, "identical"),
                band(r, "same_top1"),
                real(r, "mean_kl"),
                real(r, "kl_p95"),
                band(r, "json_broken"),
                band(r, "eos_early"),
                band(r, "eos_late"),
                r.getString("verdict"));
    }

    private static AlertChange alert(ResultSet r) throws SQLException {
        return new AlertChange(
                r.getString("rule_name"),
                r.getString("metric"),
                r.getString("state"),
                r.getString("model"),
                r.getString("candidate"),
                r.getString("task"),
                r.getString("tenant"),
                Instant.ofEpochMilli(r.getLong("window_end")),
                real(r, "observed"),
                real(r, "lower_bound"),
                real(r, "upper_bound"),
                real(r, "threshold"),
                r.getLong("samples"));
    }
}
