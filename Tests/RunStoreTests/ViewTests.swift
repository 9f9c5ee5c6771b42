import Domain
import Foundation
import Testing
import RunStore

/// The SQL views answer the same questions as the Swift sweep, on the same stored rows.
@Suite struct ViewTests {
    static let etas: [Double] = [0, 0.5, 0.63, 0.7, 0.99, 1.0]

    static func store(_ dir: TempDirectory) throws -> (RunStore, RunID) {
        let store = try RunStore.open(at: dir.path("views.sqlite"), access: .readWrite())
        let dataset = try store.registerDataset(Synthetic.dataset(images: 1000))
        let run = try store.createRun(Synthetic.provenance(), dataset: dataset, startedAt: testDate)
        try Synthetic.write(Array(0..<1000), to: store, run: run)
        try store.finishRun(run, status: .complete, at: testDate.addingTimeInterval(60))
        try store.computeSweep(for: run, etas: Sweep.defaultEtas + [0.63])
        return (store, run)
    }

    @Test func exitViewsAgreeWithTheSweep() throws {
        let dir = try TempDirectory()
        let (store, run) = try Self.store(dir)
        let db = store.database
        let r = SQLiteValue.integer(run.rawValue)
        // Confidences of exactly 0.5 exist, so η = 0.5 exercises the ≥ boundary in SQL too.
        #expect(try db.scalar("SELECT COUNT(*) FROM stage_outputs WHERE top1_prob = 0.5") != .integer(0))
        for point in try store.exitStatistics(of: run, etas: Self.etas) {
            let eta = SQLiteValue.real(point.eta)
            let perStage = try db.query("""
                SELECT exit_stage, COUNT(*), SUM(correct), SUM(top5_correct) FROM image_exits
                WHERE run_id = ? AND eta = ? GROUP BY exit_stage ORDER BY exit_stage
                """, [r, eta]) { StageExit(exits: $0.int(1), top1Correct: $0.int(2), top5Correct: $0.int(3)) }
            let nonEmpty = point.stages.filter { $0.exits > 0 }
            #expect(perStage == nonEmpty, "η = \(point.eta)")

            let classes = try db.query("""
                SELECT SUM(images), SUM(top1_correct), SUM(stage1_exits), COUNT(*) FROM class_accuracy
                WHERE run_id = ? AND eta = ?
                """, [r, eta]) { [$0.int(0), $0.int(1), $0.int(2), $0.int(3)] }.first
            #expect(classes == [point.imageCount, point.top1Correct, point.stages[0].exits, 10])

            let wrongEarly = try db.scalar("SELECT COUNT(*) FROM early_exit_errors WHERE run_id = ? AND eta = ?",
                                           [r, eta])
            #expect(wrongEarly == .integer(Int64(point.stages[0].exits - point.stages[0].top1Correct)))

            let stored = try db.query("""
                SELECT top1_correct, stage1_exits, expected_gflops FROM sweep_points WHERE run_id = ? AND eta = ?
                """, [r, eta]) { $0.row() }.first
            #expect(stored == [.integer(Int64(point.top1Correct)), .integer(Int64(point.stages[0].exits)),
                               .real(point.expectedGFLOPs)])
        }
    }

    /// The view restates the exit rule in SQL: image by image, at every stored η, it must pick
    /// the stage `ExitRule` picks from the same stored confidences.
    @Test func exitViewAgreesWithTheSwiftRuleOnEveryImage() throws {
        let dir = try TempDirectory()
        let (store, run) = try Self.store(dir)
        var confidences: [Int: [Float]] = [:]
        try store.forEachResult(of: run) { confidences[$0.image.position] = $0.stages.map(\.confidence) }
        let etas = try store.database.query("SELECT eta FROM sweep_points WHERE run_id = ? ORDER BY eta",
                                            [.integer(run.rawValue)]) { $0.double(0) }
        #expect(etas.count == Set(Sweep.defaultEtas + [0.63]).count)
        var compared = 0, boundary = 0
        for eta in etas {
            let threshold = ExitRule.threshold(eta)
            var seen = Set<Int>()
            try store.database.forEachRow("""
                SELECT position, exit_stage FROM image_exits WHERE run_id = ? AND eta = ?
                """, [.integer(run.rawValue), .real(eta)]) { row in
                let position = row.int(row.column("position"))
                let c = try #require(confidences[position], "image \(position) is in the view but not stored")
                #expect(seen.insert(position).inserted, "image \(position) exits twice at η = \(eta)")
                #expect(row.int(row.column("exit_stage")) == ExitRule.exitStage(confidences: c, threshold: threshold) + 1,
                        "image \(position) at η = \(eta): confidences \(c)")
                if c.dropLast().contains(threshold) { boundary += 1 }
                compared += 1
            }
            #expect(seen.count == confidences.count, "η = \(eta): \(seen.count) of \(confidences.count) images in the view")
        }
        #expect(compared == etas.count * confidences.count && compared > 0)
        // Some images sit exactly on a threshold, where ≥ and > would differ.
        #expect(boundary > 0)
    }

    @Test func stageRegionAndOverviewViews() throws {
        let dir = try TempDirectory()
        let (store, run) = try Self.store(dir)
        let db = store.database
        let r = SQLiteValue.integer(run.rawValue)
        let all = try store.exitStatistics(of: run, etas: [0, 1.01])
        let stages = try db.query("SELECT stage, images, top1, top5 FROM stage_accuracy WHERE run_id = ? ORDER BY stage",
                                  [r]) { $0.row() }
        #expect(stages == [
            [.integer(1), .integer(Int64(all[0].imageCount)), .real(all[0].top1), .real(all[0].top5)],
            [.integer(2), .integer(Int64(all[1].imageCount)), .real(all[1].top1), .real(all[1].top5)],
        ])
        var selections = 0, cells = 0, windows = 0
        try store.forEachSelection(of: run) { _, s in
            selections += 1
            cells += s.cells.count
            if s.kind == .window { windows += 1 }
        }
        #expect(try db.scalar("SELECT COUNT(*) FROM image_regions WHERE run_id = ?", [r]) == .integer(Int64(selections)))
        #expect(try db.scalar("SELECT COUNT(*) FROM image_regions WHERE kind = 'window'") == .integer(Int64(windows)))
        #expect(try db.scalar("SELECT SUM(cell_count) FROM image_regions") == .integer(Int64(cells)))
        #expect(try db.scalar("SELECT COUNT(*) FROM selected_cells WHERE run_id = ?", [r]) == .integer(Int64(cells)))
        // Row and column of the first selected cell of image 3 match its cell index.
        let first = try db.query("SELECT cell, cell_row, cell_col FROM selected_cells WHERE position = 3 AND rank = 1") {
            [$0.int(0), $0.int(1), $0.int(2)]
        }.first
        #expect(first.map { $0[0] == $0[1] * 7 + $0[2] } == true)
        let overview = try db.query("SELECT status, images, skipped, sweep_points FROM run_overview") { $0.row() }
        #expect(overview == [[.text("complete"), .integer(1000 - 11), .integer(11), .integer(101)]])
        #expect(try db.scalar("SELECT run_id FROM latest_complete_runs") == r)
    }
}
