import Foundation
import Testing
import RunStore

/// Times writing a full ImageNet validation run (50,000 images: image row, 2 stages with
/// top-5, a selection with 49 GCA scores) in batches, plus the reads a report makes. Prints
/// the numbers and checks only the row counts: timings depend on the machine and its load.
/// RunStore is compiled with -O in every configuration, so `swift test` times optimized store
/// code; the inputs are built before the clock starts.
@Suite struct WriteBenchmark {
    static let images = 50_000

    static func clock(_ body: () throws -> Void) rethrows -> Double {
        try clocks(body).wall
    }

    /// Wall time and this thread's CPU time: on a shared machine the wall time includes
    /// waiting for a core, the CPU time does not (and neither includes building inputs).
    static func clocks(_ body: () throws -> Void) rethrows -> (wall: Double, cpu: Double) {
        func cpuNow() -> Double {
            var t = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
            return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
        }
        let start = DispatchTime.now().uptimeNanoseconds
        let cpu = cpuNow()
        try body()
        return (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, cpuNow() - cpu)
    }

    @Test func fiftyThousandImages() throws {
        let dir = try TempDirectory()
        let results = (0..<Self.images).map { Synthetic.result(position: $0) }
        let store = try RunStore.open(at: dir.path("bench.sqlite"), access: .readWrite())
        let dataset = try store.registerDataset(Synthetic.dataset(images: Self.images))
        let run = try store.createRun(Synthetic.provenance(), dataset: dataset, startedAt: testDate)
        let batch = 64
        let (write, writeCPU) = try Self.clocks {
            var i = 0
            while i < results.count {
                try store.write(Array(results[i..<min(i + batch, results.count)]), to: run)
                i += batch
            }
        }
        try store.finishRun(run, status: .complete)
        // The log is copied into the file later (at an automatic checkpoint or at close):
        // time that too, since a run pays for it once.
        let checkpoint = try Self.clock { try store.database.execute("PRAGMA wal_checkpoint(TRUNCATE)") }
        let sweep = try Self.clock { try store.computeSweep(for: run) }
        var recorded = 0
        let resume = try Self.clock { recorded = try store.recordedPositions(of: run).count }
        var streamed = 0
        let stream = try Self.clock { try store.forEachResult(of: run) { _ in streamed += 1 } }
        var exits: [SQLiteValue] = []
        let view = try Self.clock {
            exits = try store.database.query("""
                SELECT exit_stage, COUNT(*) FROM image_exits WHERE run_id = ? AND eta = 0.5 GROUP BY exit_stage
                """, [.integer(run.rawValue)]) { $0.value(1) }
        }
        store.close()
        let target = try RunStore.open(at: dir.path("merged.sqlite"), access: .readWrite())
        var merged = 0
        let merge = try Self.clock { merged = try target.merge(from: [dir.path("bench.sqlite")]).runs[0].images }
        let skipped = (0..<Self.images).filter { $0 % 97 == 13 }.count
        #expect(merged == Self.images - skipped)
        #expect(recorded == Self.images)
        #expect(streamed == Self.images - skipped)
        #expect(exits.count == 2)
        let size = (try FileManager.default.attributesOfItem(atPath: dir.path("bench.sqlite"))[.size] as? Int ?? 0)
        print(String(format: """
            RunStore benchmark: wrote %d images (2 stages, top-5, selection + 49 GCA floats) in %.3f s \
            wall, %.3f s CPU (batches of %d, %.0f images/s); checkpoint %.3f s; sweep of 101 η %.3f s; resume set %.3f s; streaming all \
            results %.3f s; image_exits at one η %.3f s; merging it into an empty store %.3f s; file %.1f MB
            """, Self.images, write, writeCPU, batch, Double(Self.images) / write, checkpoint, sweep, resume, stream, view, merge,
            Double(size) / 1e6))
    }
}
