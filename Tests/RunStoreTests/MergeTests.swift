import Domain
import Foundation
import Testing
import RunStore

/// Shards merged back together give exactly the rows of the unsplit run.
@Suite struct MergeTests {
    static let images = 400
    static let baseline = "deit-s"

    /// Writes the two-stage model and a single-stage baseline for `positions` into a store.
    static func fill(_ path: String, positions: [Int], shard: Shard?, status: RunStatus = .complete,
                     throughput: Bool = false) throws {
        let store = try RunStore.open(at: path, access: .readWrite())
        let dataset = try store.registerDataset(Synthetic.dataset(images: images))
        let two = try store.createRun(Synthetic.provenance(shard: shard), dataset: dataset, startedAt: testDate)
        try Synthetic.write(positions, to: store, run: two)
        let one = try store.createRun(Synthetic.provenance(model: baseline, stages: 1, shard: shard, spec: "spec-base"),
                                      dataset: dataset, startedAt: testDate)
        try Synthetic.write(positions, to: store, run: one, stages: 1)
        for run in [two, one] {
            try store.finishRun(run, status: status, at: testDate.addingTimeInterval(3600))
            try store.computeSweep(for: run)
        }
        if throughput {
            let t = try store.createRun(Synthetic.provenance(mode: .throughput), dataset: dataset, startedAt: testDate)
            try store.recordThroughput(ThroughputMeasurement(eta: 0.5, batchSize: 64, threads: 2, warmupBatches: 2,
                                                             imagesTimed: 640, seconds: 55, timerCovers: "forward",
                                                             measuredUTC: testDate), for: t)
            try store.finishRun(t, status: .complete)
        }
        store.close()
    }

    static func shardPaths(_ dir: TempDirectory, count: Int) throws -> [String] {
        try (0..<count).map { i in
            let path = dir.path("shard-\(i).sqlite")
            try fill(path, positions: (0..<images).filter { $0 % count == i }, shard: Shard(index: i, count: count),
                     throughput: i == 0)
            return path
        }
    }

    static func reference(_ dir: TempDirectory) throws -> [String: [String]] {
        let path = dir.path("unsplit.sqlite")
        try fill(path, positions: Array(0..<images), shard: nil, throughput: true)
        return try Dump.all(try RunStore.open(at: path, access: .readOnly))
    }

    @Test(arguments: [2, 3])
    func shardsMergeToTheUnsplitRows(count: Int) throws {
        let dir = try TempDirectory()
        let reference = try Self.reference(dir)
        let shards = try Self.shardPaths(dir, count: count)
        let target = try RunStore.open(at: dir.path("merged.sqlite"), access: .readWrite())
        let report = try target.merge(from: shards)
        #expect(report.warnings.isEmpty)
        #expect(report.runs.count == 3)
        for run in report.runs where run.mode == .accuracy {
            #expect(run.status == .complete && run.shard == nil && run.parts.count == count)
            #expect(run.images == Self.images - 4)      // 13, 110, 207, 304 are skipped
        }
        let merged = try Dump.all(target)
        for table in reference.keys.sorted() {
            #expect(merged[table] == reference[table], "table \(table)")
        }
        // The sweep was recomputed from the merged outputs, not copied from a shard.
        let cf = try #require(try target.runs().first { $0.provenance.modelName == "cf-vit-deit-s" && $0.provenance.mode == .accuracy })
        #expect(try target.sweepPoints(of: cf.id) == Sweep.evaluate(try target.sweepInput(of: cf.id)))
        #expect(try target.sessions(of: cf.id).count == count)
        #expect(try target.sessions(of: cf.id).allSatisfy { $0.source?.contains("shard-") == true })
        let throughput = try #require(try target.runs().first { $0.provenance.mode == .throughput })
        #expect(try target.throughput(of: throughput.id).count == 1)

        // Merging a shard again changes nothing.
        _ = try target.merge(from: [shards[0]])
        #expect(try Dump.all(target) == merged)
        #expect(try target.sessions(of: cf.id).count == count)
        #expect(try target.throughput(of: throughput.id).count == 1)
    }

    @Test func partialMergeIsIncompleteUntilTheLastShard() throws {
        let dir = try TempDirectory()
        let reference = try Self.reference(dir)
        let shards = try Self.shardPaths(dir, count: 3)
        let target = try RunStore.open(at: dir.path("merged.sqlite"), access: .readWrite())
        let first = try target.merge(from: [shards[0], shards[2]])
        for run in first.runs where run.mode == .accuracy {
            #expect(run.status == .interrupted)
            #expect(run.shard?.description == "0,2/3")
        }
        #expect(try target.latestCompleteRuns(suite: "table2").isEmpty)
        let second = try target.merge(from: [shards[1]])
        for run in second.runs { #expect(run.status == .complete && run.shard == nil) }
        #expect(try Dump.all(target) == reference)
        #expect(try target.latestCompleteRuns(suite: "table2").map(\.provenance.modelName)
                == ["cf-vit-deit-s", Self.baseline])
    }

    @Test func conflictingRowsStopTheMergeAndNameThem() throws {
        let dir = try TempDirectory()
        let a = dir.path("a.sqlite"), b = dir.path("b.sqlite")
        try Self.fill(a, positions: Array(0..<10), shard: nil)
        try Self.fill(b, positions: Array(5..<15), shard: nil)
        do {
            let store = try SQLiteDatabase(path: b)
            try store.run("""
                UPDATE stage_outputs SET top1_prob = 0.25
                WHERE position = 7 AND stage = 2 AND run_id = (SELECT run_id FROM runs WHERE stage_count = 2)
                """)
        }
        let target = try RunStore.open(at: dir.path("merged.sqlite"), access: .readWrite())
        #expect {
            try target.merge(from: [a, b])
        } throws: { error in
            let text = "\(error)"
            return text.contains("1 conflicting row") && text.contains("stage_outputs: cf-vit-deit-s")
                && text.contains("position 7, stage 2") && text.contains("top1_prob 0.25 in \(b)")
                && text.contains("nothing was written")
        }
        #expect(try target.runs().isEmpty)
        #expect(try target.database.scalar("SELECT COUNT(*) FROM images") == .integer(0))
        // Overlapping but identical rows are fine.
        _ = try target.merge(from: [a, a])
        #expect(try target.recordedPositions(of: try #require(try target.runs().first).id) == Set(0..<10))
    }

    @Test func mismatchedShardCountsAndIdentityAreConflicts() throws {
        let dir = try TempDirectory()
        let a = dir.path("a.sqlite"), b = dir.path("b.sqlite")
        try Self.fill(a, positions: [0, 2, 4], shard: Shard(index: 0, count: 2))
        try Self.fill(b, positions: [1, 4], shard: Shard(index: 1, count: 3))
        let target = try RunStore.open(at: dir.path("m.sqlite"), access: .readWrite())
        #expect { try target.merge(from: [a, b]) } throws: { "\($0)".contains("shard counts differ") }

        let c = dir.path("c.sqlite")
        try Self.fill(c, positions: [1, 3], shard: Shard(index: 1, count: 2))
        do {
            let db = try SQLiteDatabase(path: c)
            try db.run("UPDATE runs SET preprocessing_json = '{\"resize\":288}' WHERE stage_count = 2")
        }
        #expect {
            try target.merge(from: [a, c])
        } throws: { "\($0)".contains("preprocessing_json is '{\"resize\":288}'") }
        #expect(try target.runs().isEmpty)
    }

    @Test func busyOrSelfSourcesAreRefused() throws {
        let dir = try TempDirectory()
        let a = dir.path("a.sqlite")
        try Self.fill(a, positions: [0, 1], shard: nil)
        let target = try RunStore.open(at: dir.path("m.sqlite"), access: .readWrite())
        #expect { try target.merge(from: [dir.path("m.sqlite")]) } throws: { "\($0)".contains("merge target itself") }
        let writer = try RunStore.open(at: a, access: .readWrite())
        #expect {
            try target.merge(from: [a])
        } throws: { "\($0)".contains("being written by process \(getpid())") }
        writer.close()
        _ = try target.merge(from: [a])
        #expect(try target.runs().count == 2)
    }
}
