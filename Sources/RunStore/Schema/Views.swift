/// Views for the common questions (schema version 1). SQLite views take no parameters, so
/// the η-dependent views are crossed with the run's own sweep: every η in `sweep_points`
/// for that run (the default grid 0.00…0.99, 1.0 plus the suite's points) is a row set, and
/// a query picks one with `WHERE run_id = … AND eta = 0.5`. An η that is not in the sweep is
/// added by computing its sweep point (`RunStore.computeSweep(for:etas:)`), which also gives
/// the stored `eta_f32` the exit rule compares against.
///
/// The exit rule in SQL: an image exits at the first stage whose confidence is ≥ float32(η)
/// (`eta_f32`, the double value of Float(η)), or at the last stage. Confidences are float32
/// values stored exactly, so this double comparison is the float32 comparison of the
/// official real early exit.
enum SchemaViews {
    /// `label IN (top-5)`, NULL when the image has no label; NULL top-k entries never match.
    private static func inTop5(_ o: String, _ label: String) -> String {
        """
        CASE WHEN \(label) IS NULL THEN NULL ELSE \(label) IN (\(o).top1_class, \
        IFNULL(\(o).top2_class, -1), IFNULL(\(o).top3_class, -1), IFNULL(\(o).top4_class, -1), \
        IFNULL(\(o).top5_class, -1)) END
        """
    }

    static let v1 = """
    CREATE VIEW image_exits AS
    SELECT sp.run_id, sp.eta, o.position, i.rel_path, i.class_index AS label,
           o.stage AS exit_stage, o.top1_class AS predicted, o.top1_prob AS confidence,
           CASE WHEN i.class_index IS NULL THEN NULL ELSE o.top1_class = i.class_index END
               AS correct,
           \(inTop5("o", "i.class_index")) AS top5_correct,
           o.cumulative_flops
    FROM sweep_points sp
    JOIN runs r ON r.run_id = sp.run_id
    JOIN stage_outputs o ON o.run_id = sp.run_id
    JOIN images i ON i.dataset_id = r.dataset_id AND i.position = o.position
    WHERE (o.stage = r.stage_count OR o.top1_prob >= sp.eta_f32)
      AND NOT EXISTS (SELECT 1 FROM stage_outputs e
                      WHERE e.run_id = o.run_id AND e.position = o.position
                        AND e.stage < o.stage AND e.top1_prob >= sp.eta_f32);

    CREATE VIEW early_exit_errors AS
    SELECT x.run_id, x.eta, x.position, x.rel_path, x.label, x.exit_stage,
           x.predicted, x.confidence,
           f.top1_class AS final_predicted, f.top1_prob AS final_confidence,
           f.top1_class = x.label AS final_correct
    FROM image_exits x
    JOIN runs r ON r.run_id = x.run_id
    JOIN stage_outputs f ON f.run_id = x.run_id AND f.position = x.position
                        AND f.stage = r.stage_count
    WHERE x.exit_stage < r.stage_count AND x.correct = 0;

    CREATE VIEW class_accuracy AS
    SELECT run_id, eta, label AS class_index, COUNT(*) AS images,
           SUM(correct) AS top1_correct, AVG(correct) AS top1,
           SUM(top5_correct) AS top5_correct, AVG(top5_correct) AS top5,
           SUM(exit_stage = 1) AS stage1_exits
    FROM image_exits
    WHERE label IS NOT NULL
    GROUP BY run_id, eta, label;

    CREATE VIEW stage_accuracy AS
    SELECT o.run_id, o.stage, COUNT(*) AS images,
           AVG(o.top1_class = i.class_index) AS top1,
           AVG(\(inTop5("o", "i.class_index"))) AS top5,
           AVG(o.top1_prob) AS mean_confidence,
           MIN(o.cumulative_flops) AS cumulative_flops
    FROM stage_outputs o
    JOIN runs r ON r.run_id = o.run_id
    JOIN images i ON i.dataset_id = r.dataset_id AND i.position = o.position
    WHERE i.class_index IS NOT NULL
    GROUP BY o.run_id, o.stage;

    CREATE VIEW image_regions AS
    SELECT s.run_id, s.position, i.rel_path, i.class_index AS label, s.kind, s.grid_side,
           s.window_row, s.window_col, s.window_size,
           json_array_length(s.cells) AS cell_count, s.cells
    FROM selections s
    JOIN runs r ON r.run_id = s.run_id
    JOIN images i ON i.dataset_id = r.dataset_id AND i.position = s.position;

    CREATE VIEW selected_cells AS
    SELECT s.run_id, s.position, c.key + 1 AS rank, c.value AS cell,
           c.value / s.grid_side AS cell_row, c.value % s.grid_side AS cell_col
    FROM selections s, json_each(s.cells) c;

    CREATE VIEW run_overview AS
    SELECT r.run_id, r.suite, r.model_name, r.variant, r.mode, r.status, r.shard,
           r.started_utc, r.finished_utc,
           (SELECT COUNT(*) FROM stage_outputs o WHERE o.run_id = r.run_id AND o.stage = 1)
               AS images,
           (SELECT COUNT(*) FROM run_skips k WHERE k.run_id = r.run_id) AS skipped,
           (SELECT COUNT(*) FROM sweep_points p WHERE p.run_id = r.run_id) AS sweep_points
    FROM runs r;

    CREATE VIEW latest_complete_runs AS
    SELECT r.* FROM runs r
    WHERE r.status = 'complete'
      AND r.run_id = (SELECT r2.run_id FROM runs r2
                      WHERE r2.suite = r.suite AND r2.model_name = r.model_name
                        AND r2.mode = r.mode AND r2.status = 'complete'
                      ORDER BY r2.finished_utc DESC, r2.run_id DESC LIMIT 1);
    """
}
