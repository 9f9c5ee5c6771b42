import Domain
import Foundation
import Testing
import RunStore

/// Every record type goes in and comes back out unchanged.
@Suite struct RoundTripTests {
    @Test func runsDatasetsAndSessions() throws {
        let dir = try TempDirectory()
        let store = try RunStore.open(at: dir.path("r.sqlite"), access: .readWrite())
        let info = Synthetic.dataset(images: 50)
        let dataset = try store.registerDataset(info)
        #expect(try store.registerDataset(info) == dataset)     // same key: same dataset
        var changed = info
        changed.imageCount = 51
        #expect(throws: StoreError.self) { try store.registerDataset(changed) }

        var provenance = Synthetic.provenance(shard: Shard(index: 1, count: 4))
        provenance.weightsPath = nil
        provenance.weightsSHA256 = nil
        let run = try store.createRun(provenance, dataset: dataset, startedAt: testDate, pid: 77)
        var record = try #require(try store.run(run))
        #expect(record.provenance == provenance)
        #expect(record.dataset == info)
        #expect(record.status == .running)
        #expect(record.startedUTC == testDate)
        #expect(record.finishedUTC == nil)

        try store.finishRun(run, status: .interrupted, at: testDate.addingTimeInterval(60))
        try store.resumeRun(run, session: session(host: "other-host"), at: testDate.addingTimeInterval(120))
        try store.finishRun(run, status: .complete, at: testDate.addingTimeInterval(180), notes: "done")
        record = try #require(try store.run(run))
        #expect(record.status == .complete)
        #expect(record.finishedUTC == testDate.addingTimeInterval(180))
        #expect(record.provenance.notes == "done")

        let sessions = try store.sessions(of: run)
        #expect(sessions.count == 2)
        #expect(sessions[0] == RunSession(run: run, index: 1, kind: .start, startedUTC: testDate,
                                          endedUTC: testDate.addingTimeInterval(60), endStatus: .interrupted,
                                          host: "test-host", pid: 77, threads: 2, gitRevision: "0123abcd",
                                          blasConfig: "OpenBLAS test", shard: Shard(index: 1, count: 4),
                                          source: nil))
        #expect(sessions[1].kind == .resume && sessions[1].host == "other-host" && sessions[1].pid == 4242)
        #expect(sessions[1].endStatus == .complete)
        #expect(try store.runs(suite: "table2").map(\.id) == [run])
        #expect(try store.runs(suite: "other").isEmpty)
    }

    @Test func imagesOutputsAndSelections() throws {
        let dir = try TempDirectory()
        let store = try RunStore.open(at: dir.path("i.sqlite"), access: .readWrite())
        let dataset = try store.registerDataset(Synthetic.dataset(images: 10))
        let run = try store.createRun(Synthetic.provenance(), dataset: dataset, startedAt: testDate)
        let special: [Float] = [0, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 1e-30,
                                .infinity, Float(0.7)] + Array(repeating: 0.25, count: 42)
        let written = [
            // Fewer than 5 classes (a 3-class model), no selection, unlabeled, unknown size.
            ImageResult(image: ImageRecord(position: 0, relativePath: "x/a.png", classIndex: nil,
                                           labelSource: "none", width: nil, height: nil, fileSize: nil),
                        stages: [StageOutput(stage: 1, topClasses: [2, 0, 1],
                                             topProbabilities: [0.5, 0.3, 0.2], cumulativeFLOPs: 10),
                                 StageOutput(stage: 2, topClasses: [0], topProbabilities: [1], cumulativeFLOPs: 40)]),
            ImageResult(image: ImageRecord(position: 3, relativePath: "n1/b.JPEG", classIndex: 1,
                                           labelSource: "folder", width: 500, height: 375, fileSize: 123_456),
                        stages: [StageOutput(stage: 1, topClasses: [1, 2, 3, 4, 5],
                                             topProbabilities: [Float(0.7), 0.1, 0.1, 0.05, 0.05],
                                             cumulativeFLOPs: 1_101_957_888),
                                 StageOutput(stage: 2, topClasses: [1, 9, 8, 7, 6],
                                             topProbabilities: [0.9, 0.04, 0.03, 0.02, 0.01],
                                             cumulativeFLOPs: 4_022_324_736)],
                        selection: RegionSelection(gridSide: 7, cells: [16, 23, 15, 30],
                                                   window: .init(row: 2, column: 1, size: 5), gcaScores: special)),
            Synthetic.result(position: 4),
            Synthetic.result(position: 5),
        ]
        try store.write(written, to: run)
        let skipped = ImageResult(image: ImageRecord(position: 7, relativePath: "n3/c.JPEG", classIndex: 3,
                                                     labelSource: "folder", width: nil, height: nil,
                                                     fileSize: 17, skipReason: "truncated file"),
                                  stages: [])
        try store.write([skipped], to: run)

        var read: [ImageResult] = []
        try store.forEachResult(of: run) { read.append($0) }
        #expect(read.count == written.count)
        for (a, b) in zip(read, written) {
            #expect(a.image == b.image)
            #expect(a.stages == b.stages)
            #expect(a.selection?.window == b.selection?.window)
            #expect(a.selection?.cells == b.selection?.cells)
            // Bit-exact float32 round trip of the GCA blob (−0 and subnormals included).
            #expect(a.selection?.gcaScores?.map(\.bitPattern) == b.selection?.gcaScores?.map(\.bitPattern))
        }
        var selections: [Int] = []
        try store.forEachSelection(of: run) { position, _ in selections.append(position) }
        #expect(selections == [3, 4, 5])
        #expect(try store.skippedImages(of: run) == [skipped.image])
        #expect(try store.image(dataset: dataset, position: 7) == skipped.image)
        #expect(try store.recordedPositions(of: run) == [0, 3, 4, 5, 7])
        // The confidence is the exact float32 value, readable as such in SQL.
        #expect(try store.database.scalar("SELECT top1_prob FROM stage_outputs WHERE position = 3 AND stage = 1")
                == .real(Double(Float(0.7))))
    }

    @Test func throughputAndSweep() throws {
        let dir = try TempDirectory()
        let store = try RunStore.open(at: dir.path("t.sqlite"), access: .readWrite())
        let dataset = try store.registerDataset(Synthetic.dataset(images: 300))
        let run = try store.createRun(Synthetic.provenance(), dataset: dataset, startedAt: testDate)
        try Synthetic.write(Array(0..<300), to: store, run: run)
        let m = ThroughputMeasurement(eta: 0.63, batchSize: 64, threads: 2, warmupBatches: 3, imagesTimed: 1024,
                                      seconds: 80.5, timerCovers: "model forward, tensors in memory",
                                      measuredUTC: testDate)
        var n = m
        n.eta = nil
        try store.recordThroughput(m, for: run)
        try store.recordThroughput(n, for: run)
        #expect(try store.throughput(of: run) == [m, n])
        #expect(try store.database.scalar("SELECT images_per_second FROM throughput WHERE eta = 0.63")
                == .real(1024 / 80.5))

        let computed = try store.computeSweep(for: run, etas: Sweep.defaultEtas + [0.63])
        #expect(computed.count == 101)          // 0.63 is already on the grid
        let stored = try store.sweepPoints(of: run)
        #expect(stored == computed)
        #expect(stored == Sweep.evaluate(try store.sweepInput(of: run), etas: Sweep.defaultEtas))
        // Adding an off-grid η keeps the others, and the stored columns agree with the struct.
        let more = try store.computeSweep(for: run, etas: [0.635])
        #expect(more.count == 102)
        let row = try #require(try store.database.query("""
            SELECT eta_f32, top1, top1_low, top1_high, stage1_exit_share, image_count
            FROM sweep_points WHERE run_id = ? AND eta = 0.635
            """, [.integer(run.rawValue)]) { $0.row() }.first)
        let p = try #require(more.first { $0.eta == 0.635 })
        #expect(row == [.real(Double(Float(0.635))), .real(p.top1), .real(p.top1Interval.lower),
                        .real(p.top1Interval.upper), .real(p.stage1ExitShare), .integer(Int64(p.imageCount))])
        #expect(p.imageCount == 300 - 3)       // positions 13, 110, 207 are skipped
    }

    @Test func invalidRecordsAreRefusedWhole() throws {
        let dir = try TempDirectory()
        let store = try RunStore.open(at: dir.path("v.sqlite"), access: .readWrite())
        let dataset = try store.registerDataset(Synthetic.dataset(images: 10))
        let run = try store.createRun(Synthetic.provenance(), dataset: dataset, startedAt: testDate)
        var missingStage = Synthetic.result(position: 2)
        missingStage.stages.removeLast()
        var badCell = Synthetic.result(position: 4)
        badCell.selection?.cells.append(49)
        var sixClasses = Synthetic.result(position: 6)
        sixClasses.stages[0].topClasses.append(9)
        sixClasses.stages[0].topProbabilities.append(0)
        for bad in [missingStage, badCell, sixClasses] {
            #expect(throws: StoreError.self) {
                try store.write([Synthetic.result(position: 0), bad], to: run)
            }
        }
        #expect(try store.recordedPositions(of: run).isEmpty)   // the good image was not written either
        try store.finishRun(run, status: .complete)
        #expect {
            try store.write([Synthetic.result(position: 0)], to: run)
        } throws: { "\($0)".contains("is complete, not running") }
        #expect(throws: StoreError.self) { try store.createRun(Synthetic.provenance(shard: Shard(index: 4, count: 4)),
                                                               dataset: dataset) }
    }
}
