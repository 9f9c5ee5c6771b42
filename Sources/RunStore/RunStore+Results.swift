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
            let position = row.int(0)
            if let c = current, c.image.position != position {
                try body(c)
                current = nil
            }
            if current == nil {
                let image = ImageRecord(position: position, relativePath: row.string(13),
                                        classIndex: row.optionalInt(14), labelSource: row.string(15),
                                        width: row.optionalInt(16), height: row.optionalInt(17),
                                        fileSize: row.optionalInt64(18), skipReason: row.optionalString(19))
                let selection = row.isNull(20) ? nil : try decodeSelection(row, from: 20, run: run,
                                                                          position: position)
                current = ImageResult(image: image, stages: [], selection: selection)
            }
            current?.stages.append(decodeStage(row, from: 1))
        }
        if let c = current { try body(c) }
    }

    /// Calls `body` with each stored selection of `run`, by ascending position.
    public func forEachSelection(of run: RunID,
                                 _ body: (_ position: Int, RegionSelection) throws -> Void) throws {
        try database.forEachRow("""
            SELECT position, kind, grid_side, window_row, window_col, window_size, cells, gca_scores
            FROM selections WHERE run_id = ? ORDER BY position
            """, [.integer(run.rawValue)]) { row in
            let position = row.int(0)
            try body(position, try decodeSelection(row, from: 1, run: run, position: position))
        }
    }

    /// Columns: stage, then top1_class, top1_prob, … top5_prob, cumulative_flops.
    private func decodeStage(_ row: SQLiteStatement, from c: Int32) -> StageOutput {
        var classes: [Int] = []
        var probabilities: [Float] = []
        for k in 0..<Int32(5) where !row.isNull(c + 1 + 2 * k) {
            classes.append(row.int(c + 1 + 2 * k))
            probabilities.append(Float(row.double(c + 2 + 2 * k)))
        }
        return StageOutput(stage: row.int(c), topClasses: classes, topProbabilities: probabilities,
                           cumulativeFLOPs: row.int64(c + 11))
    }

    /// Columns: kind, grid_side, window_row, window_col, window_size, cells, gca_scores.
    private func decodeSelection(_ row: SQLiteStatement, from c: Int32, run: RunID,
                                 position: Int) throws -> RegionSelection {
        func bad(_ detail: String) -> StoreError {
            StoreError.corrupt(path: path, detail: "selections of run \(run.rawValue), position \(position): \(detail)")
        }
        let region: RegionSelection.Region
        switch row.string(c) {
        case "cells": region = .cells
        case "window":
            guard let r = row.optionalInt(c + 2), let col = row.optionalInt(c + 3),
                  let size = row.optionalInt(c + 4) else { throw bad("window without row/col/size") }
            region = .window(row: r, column: col, size: size)
        default: throw bad("kind '\(row.string(c))'")
        }
        guard let cells = JSONIntegers.decode(row.string(c + 5)) else { throw bad("cells '\(row.string(c + 5))'") }
        var scores: [Float]?
        if let bytes = row.optionalBytes(c + 6) {
            guard bytes.count % 4 == 0 else { throw bad("gca_scores has \(bytes.count) bytes") }
            scores = stride(from: 0, to: bytes.count, by: 4).map { i in
                let bits = UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16
                    | UInt32(bytes[i + 3]) << 24
                return Float(bitPattern: bits)
            }
        }
        return RegionSelection(region: region, gridSide: row.int(c + 1), cells: cells.map { Int($0) },
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
        try database.forEachRow("""
            SELECT o.position, o.stage, o.top1_prob, o.top1_class = i.class_index,
                   i.class_index IN (o.top1_class, IFNULL(o.top2_class, -1), IFNULL(o.top3_class, -1),
                                     IFNULL(o.top4_class, -1), IFNULL(o.top5_class, -1)),
                   o.cumulative_flops
            FROM stage_outputs o
            JOIN images i ON i.dataset_id = ?1 AND i.position = o.position
            WHERE o.run_id = ?2 AND i.class_index IS NOT NULL
            ORDER BY o.position, o.stage
            """, [.integer(record.datasetID.rawValue), .integer(run.rawValue)]) { row in
            let p = row.int(0)
            if p != position {
                try flush()
                position = p
            }
            if row.int(1) != confidences.count + 1 {
                throw StoreError.corrupt(path: path, detail: "run \(run.rawValue), image \(p): stage "
                                         + "\(row.int(1)) follows \(confidences.count) stage(s)")
            }
            confidences.append(Float(row.double(2)))
            top1.append(row.int(3) != 0)
            top5.append(row.int(4) != 0)
            flops.append(row.int64(5))
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
            let insert = try database.prepare("""
                INSERT INTO sweep_points (run_id, eta, eta_f32, image_count, top1, top1_low, top1_high,
                    top5, top5_low, top5_high, top1_correct, top5_correct, expected_gflops,
                    stage1_exits, stage1_exit_share, stage1_top1_correct, stage_exits_json)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for p in points {
                let i1 = p.top1Interval, i5 = p.top5Interval
                let exits = "[" + p.stages.map { "[\($0.exits),\($0.top1Correct),\($0.top5Correct)]" }
                    .joined(separator: ",") + "]"
                try insert.bind([.integer(run.rawValue), .real(p.eta), .real(Double(p.etaFloat32)),
                                 .integer(Int64(p.imageCount)), .real(p.top1), .real(i1.lower),
                                 .real(i1.upper), .real(p.top5), .real(i5.lower), .real(i5.upper),
                                 .integer(Int64(p.top1Correct)), .integer(Int64(p.top5Correct)),
                                 .real(p.expectedGFLOPs), .integer(Int64(p.stages[0].exits)),
                                 .real(p.stage1ExitShare), .integer(Int64(p.stages[0].top1Correct)),
                                 .text(exits)])
                try insert.run()
            }
        }
    }
}
