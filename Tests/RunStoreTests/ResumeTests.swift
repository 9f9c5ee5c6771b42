import Foundation
import Testing
import RunStore

/// Resume after a crash ends with exactly the rows of an uninterrupted run.
@Suite struct ResumeTests {
    static let images = 500

    /// The reference: every image written in one go, then finished and swept.
    static func uninterrupted(_ dir: TempDirectory) throws -> [String: [String]] {
        let store = try RunStore.open(at: dir.path("reference.sqlite"), access: .readWrite())
        let dataset = try store.registerDataset(Synthetic.dataset(images: images))
        let run = try store.createRun(Synthetic.provenance(), dataset: dataset, startedAt: testDate)
        try Synthetic.write(Array(0..<images), to: store, run: run)
        try store.finishRun(run, status: .complete)
        try store.computeSweep(for: run)
        return try Dump.all(store)
    }

    /// Writes three batches, then leaves a fourth half-written in an open transaction with
    /// its pages spilled into the WAL (a tiny page cache forces the spill): the state of
    /// the files at the moment a SIGKILL would land.
    static func crashMidBatch(_ store: RunStore) throws -> RunID {
        let dataset = try store.registerDataset(Synthetic.dataset(images: images))
        let run = try store.createRun(Synthetic.provenance(), dataset: dataset, startedAt: testDate)
        try Synthetic.write(Array(0..<192), to: store, run: run)
        try store.database.execute("PRAGMA cache_size = 2; BEGIN IMMEDIATE")
        let insert = try store.database.prepare("""
            INSERT INTO stage_outputs (run_id, position, stage, top1_class, top1_prob, cumulative_flops)
            VALUES (?, ?, ?, 0, 0.5, 0)
            """)
        for position in 192..<480 {
            for stage in 1...2 {
                try insert.bind([.integer(run.rawValue), .integer(Int64(position)), .integer(Int64(stage))])
                try insert.run()
            }
        }
        #expect(store.database.isInTransaction)
        return run
    }

    /// Opens the crashed store, resumes the run, replays the last committed batch (as a
    /// runner that lost track of it would) and writes the rest.
    static func resume(at path: String) throws -> [String: [String]] {
        let store = try RunStore.open(at: path, access: .readWrite())
        let found = try #require(try store.findResumableRun(specHash: "spec-abc123", modelName: "cf-vit-deit-s"))
        #expect(found.status == .interrupted)     // marked when the writer opened the store
        let done = try store.recordedPositions(of: found.id)
        #expect(done == Set(0..<192))            // the batch in flight is gone, the rest is there
        try store.resumeRun(found.id, session: session(), at: testDate.addingTimeInterval(600))
        try Synthetic.write(Array(128..<192), to: store, run: found.id)   // replayed batch
        try Synthetic.write((0..<images).filter { !done.contains($0) }, to: store, run: found.id, batch: 50)
        try store.finishRun(found.id, status: .complete)
        try store.computeSweep(for: found.id)
        #expect(try store.sessions(of: found.id).map(\.kind) == [.start, .resume])
        #expect(try store.database.scalar("PRAGMA integrity_check") == .text("ok"))
        return try Dump.all(store)
    }

    @Test(arguments: [true, false])
    func crashImageResumesToTheUninterruptedRows(keepSharedMemory: Bool) throws {
        let dir = try TempDirectory()
        let reference = try Self.uninterrupted(dir)
        let live = try RunStore.open(at: dir.path("live.sqlite"), access: .readWrite())
        _ = try Self.crashMidBatch(live)
        let wal = try FileManager.default.attributesOfItem(atPath: dir.path("live.sqlite-wal"))
        #expect((wal[.size] as? Int ?? 0) > 0)
        // Copy the files as they are on disk now, while the transaction is still open.
        var suffixes = ["", "-wal"]
        if keepSharedMemory { suffixes.append("-shm") }
        for suffix in suffixes {
            try FileManager.default.copyItem(atPath: dir.path("live.sqlite\(suffix)"),
                                             toPath: dir.path("crashed.sqlite\(suffix)"))
        }
        live.close()
        #expect(try Self.resume(at: dir.path("crashed.sqlite")) == reference)
    }

    @Test func droppedConnectionResumesToTheUninterruptedRows() throws {
        let dir = try TempDirectory()
        let reference = try Self.uninterrupted(dir)
        let store = try RunStore.open(at: dir.path("dropped.sqlite"), access: .readWrite())
        _ = try Self.crashMidBatch(store)
        store.close()     // no COMMIT, no finishRun
        #expect(try Self.resume(at: dir.path("dropped.sqlite")) == reference)
    }

    @Test func replayingABatchIsIdempotent() throws {
        let dir = try TempDirectory()
        let reference = try Self.uninterrupted(dir)
        let store = try RunStore.open(at: dir.path("twice.sqlite"), access: .readWrite())
        let dataset = try store.registerDataset(Synthetic.dataset(images: Self.images))
        let run = try store.createRun(Synthetic.provenance(), dataset: dataset, startedAt: testDate)
        try Synthetic.write(Array(0..<Self.images), to: store, run: run)
        try Synthetic.write(Array(0..<Self.images), to: store, run: run, batch: 33)
        try store.finishRun(run, status: .complete)
        try store.computeSweep(for: run)
        #expect(try Dump.all(store) == reference)
    }

    @Test func resumeMatchesSpecModelModeAndShard() throws {
        let dir = try TempDirectory()
        let store = try RunStore.open(at: dir.path("m.sqlite"), access: .readWrite())
        let dataset = try store.registerDataset(Synthetic.dataset())
        let a = try store.createRun(Synthetic.provenance(), dataset: dataset)
        let b = try store.createRun(Synthetic.provenance(shard: Shard(index: 0, count: 2)), dataset: dataset)
        let c = try store.createRun(Synthetic.provenance(mode: .throughput), dataset: dataset)
        #expect(try store.findResumableRun(specHash: "spec-abc123", modelName: "cf-vit-deit-s")?.id == a)
        #expect(try store.findResumableRun(specHash: "spec-abc123", modelName: "cf-vit-deit-s",
                                           shard: Shard(index: 0, count: 2))?.id == b)
        #expect(try store.findResumableRun(specHash: "spec-abc123", modelName: "cf-vit-deit-s",
                                           mode: .throughput)?.id == c)
        #expect(try store.findResumableRun(specHash: "other", modelName: "cf-vit-deit-s") == nil)
        #expect(try store.findResumableRun(specHash: "spec-abc123", modelName: "lf-vit") == nil)
        try store.finishRun(a, status: .complete)
        #expect(try store.findResumableRun(specHash: "spec-abc123", modelName: "cf-vit-deit-s") == nil)
        try store.finishRun(b, status: .failed)
        #expect(try store.findResumableRun(specHash: "spec-abc123", modelName: "cf-vit-deit-s",
                                           shard: Shard(index: 0, count: 2))?.id == b)
    }
}
