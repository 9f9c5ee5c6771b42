/// The columns of the per-image and per-run tables, in one place: the writes build their
/// `INSERT` from these lists (`SQLText.insert`), and `repro merge` copies exactly these columns.
/// A new column goes into the schema (a new version) and its list here; the statements then
/// pick it up by name.
enum StoredColumns {
    static let images = ["dataset_id", "position", "rel_path", "class_index", "label_source", "width", "height",
                         "file_size", "skip_reason"]
    static let stageOutputs = ["run_id", "position", "stage"]
        + (1...5).flatMap { ["top\($0)_class", "top\($0)_prob"] } + ["cumulative_flops"]
    static let selections = ["run_id", "position", "kind", "grid_side", "window_row", "window_col", "window_size",
                             "cells", "gca_scores"]
    static let throughput = ["run_id", "eta", "batch_size", "threads", "warmup_batches", "images_timed", "seconds",
                             "images_per_second", "timer_covers", "measured_utc"]
}
