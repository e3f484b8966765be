-- The review store: what the monitor published (samples, windows, alerts; idempotent by natural key) and what
-- reviewers said (labels). Portable between SQLite and PostgreSQL: no generated ids, no engine-specific types.

CREATE TABLE samples (
    sample_id             VARCHAR(64) PRIMARY KEY,
    request_id            TEXT NOT NULL,
    model                 TEXT NOT NULL,
    candidate             TEXT NOT NULL,
    task                  TEXT NOT NULL,
    tenant                TEXT NOT NULL,
    window_end            BIGINT NOT NULL,
    badness               DOUBLE PRECISION,
    first_divergent_token INTEGER NOT NULL,
    mean_kl               DOUBLE PRECISION,
    json_failure          VARCHAR(40) NOT NULL,
    redacted              BOOLEAN NOT NULL,
    reference_text        TEXT NOT NULL,
    candidate_text        TEXT NOT NULL
);
CREATE INDEX samples_by_window ON samples (window_end);
CREATE INDEX samples_by_candidate ON samples (candidate, window_end);

CREATE TABLE windows (
    window_id         VARCHAR(64) PRIMARY KEY,
    model             TEXT NOT NULL,
    candidate         TEXT NOT NULL,
    task              TEXT NOT NULL,
    tenant            TEXT NOT NULL,
    window_start      BIGINT NOT NULL,
    window_end        BIGINT NOT NULL,
    prompts           BIGINT NOT NULL,
    identical         DOUBLE PRECISION,
    identical_lower   DOUBLE PRECISION,
    identical_upper   DOUBLE PRECISION,
    same_top1         DOUBLE PRECISION,
    same_top1_lower   DOUBLE PRECISION,
    same_top1_upper   DOUBLE PRECISION,
    mean_kl           DOUBLE PRECISION,
    kl_p95            DOUBLE PRECISION,
    json_broken       DOUBLE PRECISION,
    json_broken_lower DOUBLE PRECISION,
    json_broken_upper DOUBLE PRECISION,
    eos_early         DOUBLE PRECISION,
    eos_early_lower   DOUBLE PRECISION,
    eos_early_upper   DOUBLE PRECISION,
    eos_late          DOUBLE PRECISION,
    eos_late_lower    DOUBLE PRECISION,
    eos_late_upper    DOUBLE PRECISION,
    verdict           VARCHAR(40) NOT NULL
);
CREATE INDEX windows_by_key ON windows (model, candidate, task, tenant, window_end);

CREATE TABLE alerts (
    alert_id    VARCHAR(64) PRIMARY KEY,
    rule_name   TEXT NOT NULL,
    metric      TEXT NOT NULL,
    state       VARCHAR(16) NOT NULL,
    model       TEXT NOT NULL,
    candidate   TEXT NOT NULL,
    task        TEXT NOT NULL,
    tenant      TEXT NOT NULL,
    window_end  BIGINT NOT NULL,
    observed    DOUBLE PRECISION,
    lower_bound DOUBLE PRECISION,
    upper_bound DOUBLE PRECISION,
    threshold   DOUBLE PRECISION,
    samples     BIGINT NOT NULL
);
CREATE INDEX alerts_by_window ON alerts (window_end);

CREATE TABLE labels (
    sample_id   VARCHAR(64) PRIMARY KEY,
    label       VARCHAR(32) NOT NULL
        CHECK (label IN ('regression', 'acceptable', 'noise', 'needs-second-look')),
    reviewer    TEXT NOT NULL,
    note        TEXT NOT NULL,
    labelled_at BIGINT NOT NULL
);
