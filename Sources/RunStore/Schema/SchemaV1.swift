/// Schema version 1: the tables. The README section "The results store" documents each
/// column; keep the two in step. Conventions: times are ISO 8601 UTC text to the second
/// ("2025-01-31T12:00:00Z"); stages are numbered from 1 (1 = coarse, 2 = fine); fractions
/// are in [0, 1]; FLOPs are integers (fvcore convention: one multiply-add = one FLOP);
/// probabilities are float32 values stored exactly as REAL.
enum SchemaV1 {
    static let tables = """
    CREATE TABLE datasets (
        dataset_id      INTEGER PRIMARY KEY,
        dataset_key     TEXT NOT NULL UNIQUE,
        layout          TEXT NOT NULL,
        class_list_hash TEXT NOT NULL,
        class_count     INTEGER NOT NULL CHECK (class_count >= 0),
        image_count     INTEGER NOT NULL CHECK (image_count >= 0)
    );

    CREATE TABLE runs (
        run_id             INTEGER PRIMARY KEY,
        suite              TEXT NOT NULL,
        model_name         TEXT NOT NULL,
        variant            TEXT NOT NULL,
        mode               TEXT NOT NULL CHECK (mode IN ('accuracy', 'throughput')),
        status             TEXT NOT NULL
                           CHECK (status IN ('running', 'complete', 'failed', 'interrupted')),
        spec_hash          TEXT NOT NULL,
        model_spec_json    TEXT NOT NULL,
        stage_count        INTEGER NOT NULL CHECK (stage_count >= 1),
        stage_flops_json   TEXT NOT NULL,
        git_revision       TEXT NOT NULL,
        started_utc        TEXT NOT NULL,
        finished_utc       TEXT,
        host               TEXT NOT NULL,
        threads            INTEGER NOT NULL,
        blas_config        TEXT NOT NULL,
        weights_path       TEXT,
        weights_sha256     TEXT,
        preprocessing_json TEXT NOT NULL,
        dataset_id         INTEGER NOT NULL REFERENCES datasets (dataset_id),
        dataset_path       TEXT NOT NULL,
        shard              TEXT,
        notes              TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX runs_by_spec ON runs (spec_hash, model_name, mode);
    CREATE INDEX runs_by_suite ON runs (suite, model_name);

    CREATE TABLE run_sessions (
        run_id       INTEGER NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
        session      INTEGER NOT NULL,
        kind         TEXT NOT NULL CHECK (kind IN ('start', 'resume')),
        started_utc  TEXT NOT NULL,
        ended_utc    TEXT,
        end_status   TEXT,
        host         TEXT NOT NULL,
        pid          INTEGER NOT NULL,
        threads      INTEGER NOT NULL,
        git_revision TEXT NOT NULL,
        blas_config  TEXT NOT NULL,
        shard        TEXT,
        source       TEXT,
        PRIMARY KEY (run_id, session)
    ) WITHOUT ROWID;

    CREATE TABLE images (
        dataset_id   INTEGER NOT NULL REFERENCES datasets (dataset_id),
        position     INTEGER NOT NULL CHECK (position >= 0),
        rel_path     TEXT NOT NULL,
        class_index  INTEGER,
        label_source TEXT NOT NULL,
        width        INTEGER,
        height       INTEGER,
        file_size    INTEGER,
        skip_reason  TEXT,
        PRIMARY KEY (dataset_id, position)
    ) WITHOUT ROWID;

    CREATE TABLE run_skips (
        run_id   INTEGER NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        PRIMARY KEY (run_id, position)
    ) WITHOUT ROWID;

    CREATE TABLE stage_outputs (
        run_id           INTEGER NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
        position         INTEGER NOT NULL,
        stage            INTEGER NOT NULL CHECK (stage >= 1),
        top1_class       INTEGER NOT NULL,
        top1_prob        REAL NOT NULL,
        top2_class       INTEGER,
        top2_prob        REAL,
        top3_class       INTEGER,
        top3_prob        REAL,
        top4_class       INTEGER,
        top4_prob        REAL,
        top5_class       INTEGER,
        top5_prob        REAL,
        cumulative_flops INTEGER NOT NULL,
        PRIMARY KEY (run_id, position, stage)
    ) WITHOUT ROWID;

    CREATE TABLE selections (
        run_id       INTEGER NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
        position     INTEGER NOT NULL,
        kind         TEXT NOT NULL CHECK (kind IN ('cells', 'window')),
        grid_side    INTEGER NOT NULL CHECK (grid_side >= 1),
        window_row   INTEGER,
        window_col   INTEGER,
        window_size  INTEGER,
        cells        TEXT NOT NULL,
        gca_scores   BLOB,
        PRIMARY KEY (run_id, position),
        CHECK ((kind = 'window') = (window_row IS NOT NULL AND window_col IS NOT NULL
                                    AND window_size IS NOT NULL))
    ) WITHOUT ROWID;

    CREATE TABLE sweep_points (
        run_id              INTEGER NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
        eta                 REAL NOT NULL,
        eta_f32             REAL NOT NULL,
        image_count         INTEGER NOT NULL,
        top1                REAL NOT NULL,
        top1_low            REAL NOT NULL,
        top1_high           REAL NOT NULL,
        top5                REAL NOT NULL,
        top5_low            REAL NOT NULL,
        top5_high           REAL NOT NULL,
        top1_correct        INTEGER NOT NULL,
        top5_correct        INTEGER NOT NULL,
        expected_gflops     REAL NOT NULL,
        stage1_exits        INTEGER NOT NULL,
        stage1_exit_share   REAL NOT NULL,
        stage1_top1_correct INTEGER NOT NULL,
        stage_exits_json    TEXT NOT NULL,
        PRIMARY KEY (run_id, eta)
    ) WITHOUT ROWID;

    CREATE TABLE throughput (
        measurement_id    INTEGER PRIMARY KEY,
        run_id            INTEGER NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
        eta               REAL,
        batch_size        INTEGER NOT NULL CHECK (batch_size >= 1),
        threads           INTEGER NOT NULL,
        warmup_batches    INTEGER NOT NULL,
        images_timed      INTEGER NOT NULL,
        seconds           REAL NOT NULL,
        images_per_second REAL NOT NULL,
        timer_covers      TEXT NOT NULL,
        measured_utc      TEXT NOT NULL
    );
    CREATE INDEX throughput_by_run ON throughput (run_id, eta);
    """
}
