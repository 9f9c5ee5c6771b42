/// Schema version 2: comparisons between runs on the same images (paired statistics), the
/// curves a checkpoint file carries, and the `matched_accuracy` view. Documented in the README
/// section "The results store", like version 1.
enum SchemaV2 {
    static let tables = """
    -- Which run is compared with which: a two-stage model with its baseline row, an ablation
    -- variant with the row it varies. Written by the runner for the latest complete runs.
    CREATE TABLE comparisons (
        run_id           INTEGER NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
        reference_run_id INTEGER NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
        relation         TEXT NOT NULL CHECK (relation IN ('baseline', 'variant')),
        recorded_utc     TEXT NOT NULL,
        PRIMARY KEY (run_id, reference_run_id),
        CHECK (run_id <> reference_run_id)
    ) WITHOUT ROWID;

    -- Both runs at the same η on the images both have (a single-stage reference gives the same
    -- predictions at every η): the 2×2 table of top-1 correctness, the exact McNemar p-value
    -- and the paired bootstrap 95% interval of top-1(run) − top-1(reference), as fractions.
    CREATE TABLE paired_stats (
        run_id                 INTEGER NOT NULL,
        reference_run_id       INTEGER NOT NULL,
        eta                    REAL NOT NULL,
        images                 INTEGER NOT NULL CHECK (images >= 0),
        both_correct           INTEGER NOT NULL,
        only_run_correct       INTEGER NOT NULL,
        only_reference_correct INTEGER NOT NULL,
        both_wrong             INTEGER NOT NULL,
        top1_difference        REAL NOT NULL,
        mcnemar_p              REAL NOT NULL CHECK (mcnemar_p >= 0 AND mcnemar_p <= 1),
        bootstrap_low          REAL NOT NULL,
        bootstrap_high         REAL NOT NULL,
        bootstrap_resamples    INTEGER NOT NULL,
        bootstrap_seed         INTEGER NOT NULL,
        PRIMARY KEY (run_id, reference_run_id, eta),
        FOREIGN KEY (run_id, reference_run_id) REFERENCES comparisons (run_id, reference_run_id)
            ON DELETE CASCADE,
        CHECK (both_correct + only_run_correct + only_reference_correct + both_wrong = images)
    ) WITHOUT ROWID;

    -- Curves stored in the checkpoint a run loaded (the official evaluation writes them into
    -- the .pth): 'budgeted_batch_classification' (its η sweep, η = point/100, GFLOPs and top-1)
    -- and 'anytime_classification' (each stage alone: point = stage − 1, GFLOPs when the
    -- checkpoint's flop list gives them). top1 is a fraction, like every accuracy here.
    CREATE TABLE checkpoint_curves (
        run_id INTEGER NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
        curve  TEXT NOT NULL CHECK (curve IN ('budgeted_batch_classification', 'anytime_classification')),
        point  INTEGER NOT NULL CHECK (point >= 0),
        eta    REAL,
        gflops REAL,
        top1   REAL NOT NULL,
        PRIMARY KEY (run_id, curve, point)
    ) WITHOUT ROWID;
    """

    /// For each two-stage run compared with its baseline: the smallest η of the 0.01 grid at
    /// which its top-1 is ≥ the baseline's (criterion 'at_least_baseline', exact counts) and at
    /// which it is inside the baseline's 95% Wilson interval ('within_baseline_ci'), with the
    /// expected GFLOPs there, the reduction against the baseline's, and the throughput of the
    /// suite's latest throughput runs at that η (NULL when none was timed). eta is NULL when
    /// no point of the sweep qualifies. The baseline's point is its sweep point at its largest
    /// η (a single-stage model has the same point at every η). Same rule as
    /// Domain/Statistics/MatchedAccuracy.swift.
    static let views = """
    CREATE VIEW matched_accuracy AS
    WITH pairs AS (
        SELECT c.run_id, c.reference_run_id, r.suite, r.model_name, b.model_name AS baseline_model,
               bp.image_count AS baseline_images, bp.top1_correct AS baseline_top1_correct,
               bp.top1 AS baseline_top1, bp.top1_low AS baseline_top1_low,
               bp.top1_high AS baseline_top1_high, bp.expected_gflops AS baseline_gflops
        FROM comparisons c
        JOIN runs r ON r.run_id = c.run_id
        JOIN runs b ON b.run_id = c.reference_run_id
        JOIN sweep_points bp ON bp.run_id = c.reference_run_id
             AND bp.eta = (SELECT MAX(eta) FROM sweep_points WHERE run_id = c.reference_run_id)
        WHERE c.relation = 'baseline' AND r.stage_count > 1
    ),
    criteria (criterion) AS (VALUES ('at_least_baseline'), ('within_baseline_ci')),
    matched AS (
        SELECT p.*, k.criterion,
               (SELECT MIN(sp.eta) FROM sweep_points sp
                WHERE sp.run_id = p.run_id AND sp.image_count > 0
                  AND ABS(sp.eta * 100 - ROUND(sp.eta * 100)) < 1e-9
                  AND CASE k.criterion
                      WHEN 'at_least_baseline'
                          THEN sp.top1_correct * p.baseline_images >= p.baseline_top1_correct * sp.image_count
                      ELSE sp.top1 >= p.baseline_top1_low AND sp.top1 <= p.baseline_top1_high
                      END) AS eta
        FROM pairs p, criteria k
    ),
    timed AS (
        SELECT m.*, sp.image_count AS images, sp.top1, sp.top1_low, sp.top1_high,
               sp.expected_gflops, sp.stage1_exit_share,
               (SELECT t.images_per_second FROM throughput t
                JOIN latest_complete_runs lt ON lt.run_id = t.run_id
                WHERE lt.suite = m.suite AND lt.model_name = m.model_name AND lt.mode = 'throughput'
                  AND ABS(t.eta - m.eta) < 1e-9
                ORDER BY t.measurement_id LIMIT 1) AS images_per_second,
               (SELECT t.images_per_second FROM throughput t
                JOIN latest_complete_runs lt ON lt.run_id = t.run_id
                WHERE lt.suite = m.suite AND lt.model_name = m.baseline_model AND lt.mode = 'throughput'
                  AND (t.eta IS NULL OR ABS(t.eta - m.eta) < 1e-9)
                ORDER BY t.measurement_id LIMIT 1) AS baseline_images_per_second
        FROM matched m
        LEFT JOIN sweep_points sp ON sp.run_id = m.run_id AND sp.eta = m.eta
    )
    SELECT run_id, suite, model_name, reference_run_id AS baseline_run_id, baseline_model, criterion,
           eta, images, top1, top1_low, top1_high, baseline_top1, baseline_top1_low, baseline_top1_high,
           expected_gflops, baseline_gflops, 1 - expected_gflops / baseline_gflops AS flops_reduction,
           stage1_exit_share, images_per_second, baseline_images_per_second,
           images_per_second / baseline_images_per_second AS speedup
    FROM timed;
    """
}
