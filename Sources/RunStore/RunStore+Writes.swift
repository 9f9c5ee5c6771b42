import Domain
import Foundation

/// What `write` needs to know about a run, looked up once.
struct WritableRun {
    var datasetID: DatasetID
    var stageCount: Int
    /// False while the run has no rows in run_skips / selections: then no old row can need
    /// deleting.
    var mayHaveSkips: Bool
    var mayHaveSelections: Bool
}

/// Batched per-image writes: one transaction per batch, prepared statements reused.
extension RunStore {
    private enum SQL {
        static let image = SQLText.insert(into: "images", StoredColumns.images)
        static let output = SQLText.insert(into: "stage_outputs", StoredColumns.stageOutputs)
        static let selection = SQLText.insert(into: "selections", StoredColumns.selections)
        static let skip = SQLText.insert("INSERT OR IGNORE", into: "run_skips", ["run_id", "position"])
        static let unskip = "DELETE FROM run_skips WHERE run_id = :run_id AND position = :position"
        static let dropOutputs = "DELETE FROM stage_outputs WHERE run_id = :run_id AND position = :position"
        static let dropSelection = "DELETE FROM selections WHERE run_id = :run_id AND position = :position"
    }

    /// Writes one batch of images for `run` in a single transaction: all of it or none of
    /// it is in the store, whatever happens to the process. Idempotent per (run, image,
    /// stage): replaying a batch (after a crash, or by a resume) leaves exactly the rows one
    /// write gives. Everything is validated before anything is written.
    public func write(_ results: [ImageResult], to run: RunID) throws {
        try requireWritable()
        var facts = try writableFacts(run)
        for result in results { try validate(result, stageCount: facts.stageCount) }
        let runID = run.rawValue
        try database.transaction {
            let image = try database.prepare(SQL.image)
            let output = try database.prepare(SQL.output)
            let selection = try database.prepare(SQL.selection)
            let skip = try database.prepare(SQL.skip)
            let unskip = try database.prepare(SQL.unskip)
            let dropOutputs = try database.prepare(SQL.dropOutputs)
            let dropSelection = try database.prepare(SQL.dropSelection)
            func run(_ statement: SQLiteStatement, position: Int) throws {
                try statement.bind(runID, to: "run_id")
                try statement.bind(position, to: "position")
                try statement.run()
            }
            // Resolved once per batch: the stage loop runs for every stage of every image.
            let top = (1...5).map { (output.parameter("top\($0)_class"), output.parameter("top\($0)_prob")) }
            let outputRun = output.parameter("run_id"), outputPosition = output.parameter("position")
            let outputStage = output.parameter("stage"), outputFLOPs = output.parameter("cumulative_flops")
            for result in results {
                let position = result.image.position
                try bind(result.image, dataset: facts.datasetID, to: image)
                try image.run()
                if result.image.skipReason != nil {
                    facts.mayHaveSkips = true
                    try run(skip, position: position)
                    try run(dropOutputs, position: position)
                    try run(dropSelection, position: position)
                    continue
                }
                // A replay may turn a skip into a result (or drop a selection): delete the old
                // row, but only when the run can have one, which keeps first writes cheap.
                if facts.mayHaveSkips { try run(unskip, position: position) }
                for stage in result.stages {
                    try output.bind(runID, at: outputRun)
                    try output.bind(position, at: outputPosition)
                    try output.bind(stage.stage, at: outputStage)
                    for (k, (classColumn, probColumn)) in top.enumerated() {
                        if k < stage.topClasses.count {
                            try output.bind(stage.topClasses[k], at: classColumn)
                            try output.bind(stage.topProbabilities[k], at: probColumn)
                        } else {
                            try output.bindNull(at: classColumn)
                            try output.bindNull(at: probColumn)
                        }
                    }
                    try output.bind(stage.cumulativeFLOPs, at: outputFLOPs)
                    try output.run()
                }
                if let s = result.selection {
                    facts.mayHaveSelections = true
                    try bind(s, run: runID, position: position, to: selection)
                    try selection.run()
                } else if facts.mayHaveSelections {
                    try run(dropSelection, position: position)
                }
            }
        }
        writableRuns[run] = facts
    }

    private func bind(_ image: ImageRecord, dataset: DatasetID, to s: SQLiteStatement) throws {
        try s.bind(dataset.rawValue, to: "dataset_id")
        try s.bind(image.position, to: "position")
        try s.bind(image.relativePath, to: "rel_path")
        try s.bind(image.classIndex, to: "class_index")
        try s.bind(image.labelSource, to: "label_source")
        try s.bind(image.width, to: "width")
        try s.bind(image.height, to: "height")
        try s.bind(image.fileSize, to: "file_size")
        try s.bind(image.skipReason, to: "skip_reason")
    }

    private func bind(_ sel: RegionSelection, run: Int64, position: Int, to s: SQLiteStatement) throws {
        try s.bind(run, to: "run_id")
        try s.bind(position, to: "position")
        try s.bind(sel.kind.rawValue, to: "kind")
        try s.bind(sel.gridSide, to: "grid_side")
        try s.bind(sel.window?.row, to: "window_row")
        try s.bind(sel.window?.column, to: "window_col")
        try s.bind(sel.window?.size, to: "window_size")
        try s.bind(JSONIntegers.encode(sel.cells), to: "cells")
        if let scores = sel.gcaScores {
            // Little-endian float32, as numpy's '<f4' reads it.
            let le = scores.map { $0.bitPattern.littleEndian }
            try le.withUnsafeBytes { try s.bind(blob: $0, to: "gca_scores") }
        } else {
            try s.bindNull(to: "gca_scores")
        }
    }

    /// Facts of a run that may be written to (it must be running).
    func writableFacts(_ run: RunID) throws -> WritableRun {
        if let facts = writableRuns[run] { return facts }
        guard let record = try self.run(run) else { throw StoreError.unknownRun(path: path, run: run) }
        guard record.status == .running else {
            throw StoreError.runNotRunning(path: path, run: run, status: record.status)
        }
        func exists(_ table: String) throws -> Bool {
            try database.scalar("SELECT EXISTS (SELECT 1 FROM \(table) WHERE run_id = ?)",
                                [.integer(run.rawValue)]) == .integer(1)
        }
        let facts = WritableRun(datasetID: record.datasetID, stageCount: record.stageCount,
                                mayHaveSkips: try exists("run_skips"),
                                mayHaveSelections: try exists("selections"))
        writableRuns[run] = facts
        return facts
    }

    private func validate(_ r: ImageResult, stageCount: Int) throws {
        func fail(_ detail: String) -> StoreError {
            StoreError.invalidRecord(path: path,
                                     detail: "image \(r.image.position) (\(r.image.relativePath)): \(detail)")
        }
        if r.image.position < 0 { throw fail("negative position") }
        if r.image.skipReason != nil {
            if !r.stages.isEmpty || r.selection != nil {
                throw fail("a skipped image has no stage outputs or selection")
            }
            return
        }
        if r.stages.map(\.stage) != Array(1...stageCount) {
            throw fail("stages \(r.stages.map(\.stage)) given; the run has stages 1…\(stageCount), "
                       + "each exactly once and in order")
        }
        for s in r.stages {
            if s.topClasses.isEmpty || s.topClasses.count > 5 || s.topClasses.count != s.topProbabilities.count {
                throw fail("stage \(s.stage) has \(s.topClasses.count) classes and "
                           + "\(s.topProbabilities.count) probabilities; give 1…5 of each")
            }
        }
        if let sel = r.selection {
            if sel.gridSide < 1 { throw fail("selection grid side \(sel.gridSide) < 1") }
            let cellCount = sel.gridSide * sel.gridSide
            if let bad = sel.cells.first(where: { $0 < 0 || $0 >= cellCount }) {
                throw fail("selected cell \(bad) is outside the \(sel.gridSide)×\(sel.gridSide) grid")
            }
            if let scores = sel.gcaScores, scores.count != cellCount {
                throw fail("\(scores.count) GCA scores for \(cellCount) cells")
            }
        }
    }
}
