-- Every label ever given, with its reviewer, time and note: the labels table keeps the latest per sample (what the
-- page shows), this one keeps all of them (what exports and audits read). Seeded with the labels already given.
CREATE TABLE label_history (
    sample_id   VARCHAR(64) NOT NULL,
    label       VARCHAR(32) NOT NULL
        CHECK (label IN ('regression', 'acceptable', 'noise', 'needs-second-look')),
    reviewer    TEXT NOT NULL,
    note        TEXT NOT NULL,
    labelled_at BIGINT NOT NULL,
    seq         INTEGER NOT NULL,
    PRIMARY KEY (sample_id, seq)
);
INSERT INTO label_history (sample_id, label, reviewer, note, labelled_at, seq)
    SELECT sample_id, label, reviewer, note, labelled_at, 0 FROM labels;
