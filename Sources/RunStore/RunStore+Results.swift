import Domain
import Foundation

/// Per-image results (streamed) and the η sweep computed from them.
extension RunStore {
    /// Calls `body` once per evaluated image of `run`, by ascending position, with its image
    /// record, every stage's output and its selection. Rows are read as they are needed, so
    /// 50,000 images never sit in memory together. Skipped images are not included (see
    /// `skippedImages(of:)`).
    public func forEachResult(of run: RunID, _ body: (ImageResult) throws -> Void) throws {
        guard let record = try self.run(run) else { throw StoreError.unknownRun(path: path, run: run) }
        var current: ImageResult?
        var columns: ResultColumns?
        try database.forEachRow("""
            SELECT o.position, o.stage, o.top1_class, o.top1_prob, o.top2_class, o.top2_prob,
                   o.top3_class, o.top3_prob, o.top4_class, o.top4_prob, o.top5_class, o.top5_prob,
                   o.cumulative_flops,
                   i.rel_path, i.class_index, i.label_source, i.width, i.height, i.file_size,
                   i.skip_reason,
                   s.kind, s.grid_side, s.window_row, s.window_col, s.window_size, s.cells, s.gca_scores
            FROM stage_outputs o
            JOIN images i ON i.dataset_id = ?1 AND i.position = o.position
            LEFT JOIN selections s ON s.run_id = o.run_id AND s.position = o.position AND o.stage = 1
            WHERE o.run_id = ?2
            ORDER BY o.position, o.stage
            """, [.integer(record.datasetID.rawValue), .integer(run.rawValue)]) { row in
            let c = columns ?? ResultColumns(row)
            columns = c
            let position = row.int(c.position)
            if let image = current, image.image.position != position {
                try body(image)
                current = nil
            }
            if current == nil {
                let image = ImageRecord(position: position, relativePath: row.string(c.relPath),
                                        classIndex: row.optionalInt(c.classIndex), labelSource: row.string(c.labelSource),
                                        width: row.optionalInt(c.width), height: row.optionalInt(c.height),
                                        fileSize: row.optionalInt64(c.fileSize), skipReason: row.optionalString(c.skipReason))
                let selection = row.isNull(c.selection.kind) ? nil
                    : try decodeSelection(row, c.selection, run: run, position: position)
                current = ImageResult(image: image, stages: [], selection: selection)
            }
            current?.stages.append(decodeStage(row, c.stage))
        }
        if let c = current { try body(c) }
    }

    /// Calls `body` with each stored selection of `run`, by ascending position.
    public func forEachSelection(of run: RunID,
                                 _ body: (_ position: Int, RegionSelection) throws -> Void) throws {
        var columns: SelectionColumns?
        try database.forEachRow("""
            SELECT position, kind, grid_side, window_row, window_col, window_size, cells, gca_scores
            FROM selections WHERE run_id = ? ORDER BY position
            """, [.integer(run.rawValue)]) { row in
            let c = columns ?? SelectionColumns(row)
            columns = c
            let position = row.int(row.column("position"))
            try body(position, try decodeSelection(row, c, run: run, position: position))
        }
    }

    private func decodeStage(_ row: SQLiteStatement, _ c: StageColumns) -> StageOutput {
        var classes: [Int] = []
        var probabilities: [Float] = []
        for (classColumn, probColumn) in c.top where !row.isNull(classColumn) {
            classes.append(row.int(classColumn))
            probabilities.append(Float(row.double(probColumn)))
        }
        return StageOutput(stage: row.int(c.stage), topClasses: classes, topProbabilities: probabilities,
                           cumulativeFLOPs: row.int64(c.cumulativeFLOPs))
    }

    private func decodeSelection(_ row: SQLiteStatement, _ c: SelectionColumns, run: RunID,
                                 position: Int) throws -> RegionSelection {
        func bad(_ detail: String) -> StoreError {
            StoreError.corrupt(path: path, detail: "selections of run \(run.rawValue), position \(position): \(detail)")
        }
        var window: RegionSelection.Window?
        switch RegionSelection.Kind(rawValue: row.string(c.kind)) {
        case .cells: window = nil
        case .window:
            guard let r = row.optionalInt(c.windowRow), let col = row.optionalInt(c.windowColumn),
                  let size = row.optionalInt(c.windowSize) else { throw bad("window without row/col/size") }
            window = RegionSelection.Window(row: r, column: col, size: size)
        case nil: throw bad("kind '\(row.string(c.kind))'")
        }
        guard let cells = JSONIntegers.decode(row.string(c.cells)) else { throw bad("cells '\(row.string(c.cells))'") }
        var scores: [Float]?
        if let bytes = row.optionalBytes(c.gcaScores) {
            guard bytes.count % 4 == 0 else { throw bad("gca_scores has \(bytes.count) bytes") }
            scores = stride(from: 0, to: bytes.count, by: 4).map { i in
                let bits = UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16
                    | UInt32(bytes[i + 3]) << 24
                return Float(bitPattern: bits)
            }
        }
        return RegionSelection(gridSide: row.int(c.gridSide), cells: cells.map { Int($0) }, window: window,
                               gcaScores: scores)
    }

    /// The sweep's inputs for `run`: one entry per labelled image that has every stage.
    public func sweepInput(of run: RunID) throws -> SweepInput {
        try sweepInputWithPositions(of: run).input
    }

    /// The sweep's inputs and, for entry i, the image position it belongs to (ascending), so
    /// that two runs over the same dataset can be aligned image by image.
    func sweepInputWithPositions(of run: RunID) throws -> (positions: [Int], input: SweepInput) {
        guard let record = try self.run(run) else { throw StoreError.unknownRun(path: path, run: run) }
        let k = record.stageCount
        var input = SweepInput(stageCount: k, reservingImages: 1024)
        var positions: [Int] = []
        var position = -1
        var confidences: [Float] = [], top1: [Bool] = [], top5: [Bool] = [], flops: [Int64] = []
        func flush() throws {
            guard position >= 0 else { return }
            guard confidences.count == k else {
                throw StoreError.corrupt(path: path, detail: "run \(run.rawValue) has \(confidences.count) "
                                         + "of its \(k) stages for image \(position)")
            }
            input.append(confidences: confidences, top1Correct: top1, top5Correct: top5,
                         cumulativeFLOPs: flops)
            positions.append(position)
            confidences.removeAll(keepingCapacity: true)
            top1.removeAll(keepingCapacity: true)
            top5.removeAll(keepingCapacity: true)
            flops.removeAll(keepingCapacity: true)
        }
        var columns: SweepColumns?
        try database.forEachRow("""
            SELECT o.position, o.stage, o.top1_prob, o.top1_class = i.class_index AS top1_correct,
                   i.class_index IN (o.top1_class, IFNULL(o.top2_class, -1), IFNULL(o.top3_class, -1),
                                     IFNULL(o.top4_class, -1), IFNULL(o.top5_class, -1)) AS top5_correct,
                   o.cumulative_flops
            FROM stage_outputs o
            JOIN images i ON i.dataset_id = ?1 AND i.position = o.position
            WHERE o.run_id = ?2 AND i.class_index IS NOT NULL
            ORDER BY o.position, o.stage
            """, [.integer(record.datasetID.rawValue), .integer(run.rawValue)]) { row in
            let c = columns ?? SweepColumns(row)
            columns = c
            let p = row.int(c.position)
            if p != position {
                try flush()
                position = p
            }
            let stage = row.int(c.stage)
            if stage != confidences.count + 1 {
                throw StoreError.corrupt(path: path, detail: "run \(run.rawValue), image \(p): stage "
                                         + "\(stage) follows \(confidences.count) stage(s)")
            }
            confidences.append(Float(row.double(c.confidence)))
            top1.append(row.int(c.top1Correct) != 0)
            top5.append(row.int(c.top5Correct) != 0)
            flops.append(row.int64(c.cumulativeFLOPs))
        }
        try flush()
        return (positions, input)
    }

    /// Exit statistics of `run` at each η (images decided at each stage and how many are
    /// correct), computed from the stored outputs without storing anything.
    public func exitStatistics(of run: RunID, etas: [Double] = Sweep.defaultEtas) throws -> [SweepPoint] {
        Sweep.evaluate(try sweepInput(of: run), etas: etas)
    }

    /// Computes the sweep of `run` from its stored outputs at `etas` and at every η already
    /// stored for it (so no stored point is left stale), stores it, and returns all points
    /// by ascending η. Call it when the run's outputs are complete.
    @discardableResult
    public func computeSweep(for run: RunID, etas: [Double] = Sweep.defaultEtas) throws -> [SweepPoint] {
        try requireWritable()
        let stored = try database.query("SELECT eta FROM sweep_points WHERE run_id = ?",
                                        [.integer(run.rawValue)]) { $0.double(0) }
        let all = Array(Set(stored + etas)).sorted()
        let points = Sweep.evaluate(try sweepInput(of: run), etas: all)
        try storeSweep(points, for: run)
        return points
    }

    func storeSweep(_ points: [SweepPoint], for run: RunID) throws {
        try database.transaction {
            try database.run("DELETE FROM sweep_points WHERE run_id = ?", [.integer(run.rawValue)])
            let insert = try database.prepare(SQLText.insert("INSERT", into: "sweep_points", [
                "run_id", "eta", "eta_f32", "image_count", "top1", "top1_low", "top1_high", "top5", "top5_low",
                "top5_high", "top1_correct", "top5_correct", "expected_gflops", "stage1_exits", "stage1_exit_share",
                "stage1_top1_correct", "stage_exits_json"]))
            for p in points {
                let i1 = p.top1Interval, i5 = p.top5Interval
                let exits = "[" + p.stages.map { "[\($0.exits),\($0.top1Correct),\($0.top5Correct)]" }
                    .joined(separator: ",") + "]"
                try insert.bind([
                    "run_id": .integer(run.rawValue), "eta": .real(p.eta), "eta_f32": .real(Double(p.etaFloat32)),
                    "image_count": .integer(Int64(p.imageCount)),
                    "top1": .real(p.top1), "top1_low": .real(i1.lower), "top1_high": .real(i1.upper),
                    "top5": .real(p.top5), "top5_low": .real(i5.lower), "top5_high": .real(i5.upper),
                    "top1_correct": .integer(Int64(p.top1Correct)), "top5_correct": .integer(Int64(p.top5Correct)),
                    "expected_gflops": .real(p.expectedGFLOPs), "stage1_exits": .integer(Int64(p.stages[0].exits)),
                    "stage1_exit_share": .real(p.stage1ExitShare),
                    "stage1_top1_correct": .integer(Int64(p.stages[0].top1Correct)), "stage_exits_json": .text(exits)])
                try insert.run()
            }
        }
    }
}

/// Column indices of a stage output row, looked up by name once per query.
struct StageColumns {
    let stage: Int32
    /// (top-k class, its probability) for k = 1…5.
    let top: [(Int32, Int32)]
    let cumulativeFLOPs: Int32

    init(_ row: SQLiteStatement) {
        stage = row.column("stage")
        top = (1...5).map { (row.column("top\($0)_class"), row.column("top\($0)_prob")) }
        cumulativeFLOPs = row.column("cumulative_flops")
    }
}

/// Column indices of a selection row.
struct SelectionColumns {
    let kind, gridSide, windowRow, windowColumn, windowSize, cells, gcaScores: Int32

    init(_ row: SQLiteStatement) {
        kind = row.column("kind")
        gridSide = row.column("grid_side")
        windowRow = row.column("window_row")
        windowColumn = row.column("window_col")
        windowSize = row.column("window_size")
        cells = row.column("cells")
        gcaScores = row.column("gca_scores")
    }
}

/// Column indices of `forEachResult`'s rows: an image, one stage output, the selection.
struct ResultColumns {
    let position, relPath, classIndex, labelSource, width, height, fileSize, skipReason: Int32
    let stage: StageColumns
    let selection: SelectionColumns

    init(_ row: SQLiteStatement) {
        position = row.column("position")
        relPath = row.column("rel_path")
        classIndex = row.column("class_index")
        labelSource = row.column("label_source")
        width = row.column("width")
        height = row.column("height")
        fileSize = row.column("file_size")
        skipReason = row.column("skip_reason")
        stage = StageColumns(row)
        selection = SelectionColumns(row)
    }
}

/// Column indices of the sweep input's rows.
struct SweepColumns {
    let position, stage, confidence, top1Correct, top5Correct, cumulativeFLOPs: Int32

    init(_ row: SQLiteStatement) {
        position = row.column("position")
        stage = row.column("stage")
        confidence = row.column("top1_prob")
        top1Correct = row.column("top1_correct")
        top5Correct = row.column("top5_correct")
        cumulativeFLOPs = row.column("cumulative_flops")
    }
}
