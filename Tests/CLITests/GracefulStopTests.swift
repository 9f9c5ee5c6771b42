import Foundation
import RunStore
import Testing

/// Stops through the binary: SIGTERM and Ctrl-C (SIGINT) finish the batch in flight, mark the
/// run interrupted and print the resuming command; a second SIGINT exits at once; a full disk
/// marks the run failed with the reason. Each time, the same command then resumes to the rows
/// of an uninterrupted run.
@Suite(.serialized)
struct GracefulStopTests {
    let dir = CLI.temporaryDirectory("stops")
    let data: String
    let suite: String

    init() throws {
        data = try Fixture.dataset(in: dir, classes: 3, perClass: 80)
        suite = try Fixture.suite(in: dir, data: data)
    }

    func runArgs(_ db: String, _ extra: [String] = []) -> [String] {
        ["--suite", suite, "--db", db, "--batch", "4", "--threads", "2", "--mode", "accuracy", "--no-report"] + extra
    }

    struct RunState: Equatable {
        var status: String
        var endStatuses: [String?]
        var notes: String
    }

    static func state(_ path: String, model: String) throws -> RunState? {
        let store = try RunStore.open(at: path, access: .readOnly)
        defer { store.close() }
        guard let run = try store.runs().last(where: { $0.provenance.modelName == model }) else { return nil }
        let ends = try store.sessions(of: run.id).map { $0.endStatus?.rawValue }
        let notes = try store.database.query("SELECT notes FROM runs WHERE run_id = ?", [.integer(run.id.rawValue)]) {
            $0.string(0)
        }.first ?? ""
        return RunState(status: run.status.rawValue, endStatuses: ends, notes: notes)
    }

    /// Collects a pipe's output on a background thread.
    final class Collector: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()
        private let done = DispatchSemaphore(value: 0)

        init(_ pipe: Pipe) {
            Thread { [self] in
                while true {
                    let chunk = pipe.fileHandleForReading.availableData
                    if chunk.isEmpty { break }
                    lock.lock()
                    data.append(chunk)
                    lock.unlock()
                }
                done.signal()
            }.start()
        }

        var text: String {
            lock.lock()
            defer { lock.unlock() }
            return String(decoding: data, as: UTF8.self)
        }

        func finished() -> String {
            done.wait()
            return text
        }
    }

    /// Starts a run, waits until a few batches are committed, then sends each signal once the
    /// process has announced the previous one (as a user pressing Ctrl-C twice would).
    func interrupt(_ db: String, extra: [String], with signals: [Int32]) throws -> CLI.Result {
        let p = CLI.start(runArgs(db, extra))
        let out = Collector(p.stdout), err = Collector(p.stderr)
        let deadline = Date().addingTimeInterval(60)
        while RunLifecycleTests.recorded(db) < 8 && Date() < deadline { usleep(5_000) }
        for (i, s) in signals.enumerated() {
            if i > 0 {
                while !err.text.contains("stopping after the batch in flight") && Date() < deadline { usleep(500) }
            }
            kill(p.process.processIdentifier, s)
        }
        let stdout = out.finished(), stderr = err.finished()
        p.process.waitUntilExit()
        return CLI.Result(status: p.process.terminationStatus, stdout: stdout, stderr: stderr)
    }

    @Test func sigtermAndCtrlCMarkTheRunInterruptedAndTheSameCommandResumes() throws {
        let reference = dir + "/ref.sqlite"
        #expect(try CLI.run(runArgs(reference)).status == 0)
        let rows = try RunLifecycleTests.dump(reference)

        for (signal, exit) in [(SIGTERM, Int32(143)), (SIGINT, Int32(130))] {
            let db = dir + "/stop-\(signal).sqlite"
            let stopped = try interrupt(db, extra: ["--model", "cf-vit"], with: [signal])
            #expect(stopped.status == exit, "\(stopped.stderr)")
            let state = try #require(try Self.state(db, model: "cf-vit"))
            #expect(state.status == "interrupted")
            #expect(state.endStatuses == ["interrupted"])
            #expect(state.notes.contains("interrupted: stopped by SIG"), "\(state.notes)")
            let recorded = RunLifecycleTests.recorded(db)
            #expect(recorded > 0 && recorded < 2 * 240, "the stop should land mid-run (\(recorded) rows)")
            #expect(recorded % (2 * 4) == 0, "whole batches only: \(recorded) stage rows")
            // The printed command is the one that was run.
            #expect(stopped.stderr.contains("The same command resumes the run:"), "\(stopped.stderr)")
            #expect(stopped.stderr.contains("--db \(db)"), "\(stopped.stderr)")

            let resumed = try CLI.run(runArgs(db))
            #expect(resumed.status == 0, "\(resumed.stderr)")
            #expect(resumed.stderr.contains("resuming"))
            let after = try #require(try Self.state(db, model: "cf-vit"))
            #expect(after.status == "complete")
            #expect(after.endStatuses == ["interrupted", "complete"])
            #expect(try RunLifecycleTests.dump(db) == rows)
        }
    }

    @Test func aSecondCtrlCStopsAtOnceAndTheRunStillResumes() throws {
        let reference = dir + "/ref2.sqlite", db = dir + "/twice.sqlite"
        // Two batches of 120 (a few hundred ms each): the second Ctrl-C, sent as soon as the
        // first is announced, lands while the batch in flight is still being evaluated.
        let extra = ["--model", "lf-vit", "--batch", "120"]
        #expect(try CLI.run(runArgs(reference, extra)).status == 0)
        let stopped = try interrupt(db, extra: extra, with: [SIGINT, SIGINT])
        #expect(stopped.status == 130, "\(stopped.stderr)")
        // No time to write anything: the run is left as a killed process leaves it ...
        #expect(try Self.state(db, model: "lf-vit")?.status == "running")
        #expect(!stopped.stderr.contains("The same command resumes"))
        // ... and the next writer marks it interrupted and resumes it.
        let resumed = try CLI.run(runArgs(db, extra))
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try Self.state(db, model: "lf-vit")?.endStatuses == ["interrupted", "complete"])
        #expect(try RunLifecycleTests.dump(db) == RunLifecycleTests.dump(reference))
    }

    /// A real full disk (a small tmpfs) when the tests may mount one (root); otherwise SQLite's
    /// own size limit (`max_page_count`, through a test hook), which fails the same way.
    @Test func aFullDiskMarksTheRunFailedWithTheReasonAndTheSameCommandResumes() throws {
        let reference = dir + "/ref3.sqlite"
        #expect(try CLI.run(runArgs(reference, ["--model", "vit"])).status == 0)
        let rows = try RunLifecycleTests.dump(reference)
        let refStore = try RunStore.open(at: reference, access: .readOnly)
        let pages = try refStore.database.query("PRAGMA page_count") { $0.int(0) }.first!
        refStore.close()

        let small = dir + "/small"
        try FileManager.default.createDirectory(atPath: small, withIntermediateDirectories: true)
        let useTmpfs = geteuid() == 0
        let db = small + "/full.sqlite"
        var failed: CLI.Result?
        defer { if useTmpfs { _ = try? CLI.shell("umount \(small) 2>/dev/null") } }
        if useTmpfs {
            // The smallest size that holds the reserve and the schema but not the whole run:
            // grow the file system until a run fails part-way.
            for kib in stride(from: 320, through: 2048, by: 32) {
                _ = try? CLI.shell("umount \(small) 2>/dev/null")
                let mount = try CLI.shell("mount -t tmpfs -o size=\(kib)k tmpfs \(small)")
                try #require(mount.status == 0, "root but cannot mount a tmpfs: \(mount.stderr)")
                let r = try CLI.run(runArgs(db, ["--model", "vit"]))
                let recorded = RunLifecycleTests.recorded(db)
                if r.status != 0 && recorded > 0 { failed = r; break }
            }
            let f = try #require(failed, "no tmpfs size between 320 KiB and 2 MiB made the run fail part-way")
            try check(f, db: db, expectedRows: rows)
            // Room again (the same file system, grown): the same command resumes.
            #expect(try CLI.shell("mount -o remount,size=16m \(small)").status == 0)
        } else {
            let f = try CLI.run(runArgs(db, ["--model", "vit"]), environment: ["REPRO_TEST_STORE_MAX_PAGES": "\(pages / 2)"])
            try check(f, db: db, expectedRows: rows)
        }
        let resumed = try CLI.run(runArgs(db, ["--model", "vit"]))
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("resuming"))
        #expect(try Self.state(db, model: "vit")?.endStatuses == ["failed", "complete"])
        #expect(try RunLifecycleTests.dump(db) == rows)
    }

    private func check(_ failed: CLI.Result, db: String, expectedRows: [String]) throws {
        #expect(failed.status == 1, "\(failed.stderr)")
        #expect(failed.stderr.contains("database or disk is full"), "\(failed.stderr)")
        #expect(failed.stderr.contains("The same command resumes the run:"), "\(failed.stderr)")
        let state = try #require(try Self.state(db, model: "vit"))
        #expect(state.status == "failed")
        #expect(state.endStatuses == ["failed"])
        #expect(state.notes.contains("failed: SQLite error 13 (database or disk is full)"), "\(state.notes)")
        let recorded = RunLifecycleTests.recorded(db)
        #expect(recorded > 0 && recorded < expectedRows.count, "the failure should land mid-run (\(recorded) rows)")
    }
}

/// `--plan`: per model images, FLOPs and a calibrated time, per shard with --shard, from the
/// store's recorded images when it has some; and it writes nothing.
@Suite(.serialized)
struct PlanTests {
    let dir = CLI.temporaryDirectory("plan")
    let suite: String

    init() throws {
        let data = try Fixture.dataset(in: dir, classes: 3, perClass: 40)
        suite = try Fixture.suite(in: dir, data: data)
    }

    func args(_ db: String, _ extra: [String] = []) -> [String] {
        ["--suite", suite, "--db", db, "--batch", "8", "--threads", "2", "--mode", "accuracy", "--no-report"] + extra
    }

    @Test func planPrintsEveryModelWritesNothingAndReadsWhatTheStoreHolds() throws {
        let db = dir + "/plan.sqlite"
        let plan = try CLI.run(args(db, ["--plan"]))
        #expect(plan.status == 0, "\(plan.stderr)")
        for model in ["vit", "cf-vit", "lf-vit"] {
            #expect(plan.stdout.contains("| \(model) | 120 | 0 |"), "\(plan.stdout)")
        }
        #expect(plan.stdout.contains("| **total** | 360 | 0 |"))
        #expect(!FileManager.default.fileExists(atPath: db), "--plan must not create the store")
        #expect(!FileManager.default.fileExists(atPath: db + ".lock"))

        let shard = try CLI.run(args(db, ["--plan", "--shard", "1/4"]))
        #expect(shard.status == 0, "\(shard.stderr)")
        #expect(shard.stdout.contains("shard 1/4: 30 images"))
        #expect(shard.stdout.contains("| cf-vit | 30 | 0 |"), "\(shard.stdout)")

        // After a complete vit run, the plan knows vit has nothing left, and leaves the file as it was.
        #expect(try CLI.run(args(db, ["--model", "vit"])).status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: db))
        let after = try CLI.run(args(db, ["--plan"]))
        #expect(after.status == 0, "\(after.stderr)")
        #expect(after.stdout.contains("| vit | 0 | 120 |"), "\(after.stdout)")
        #expect(after.stdout.contains("| lf-vit | 120 | 0 |"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == before)
    }
}
