import Foundation
import RunStore
import Testing

/// A suite run end to end through the binary: determinism, SIGKILL + resume, the writer lock,
/// shards + merge, reports and the regression check.
@Suite(.serialized)
struct RunLifecycleTests {
    /// Every stored output and selection of the store's accuracy runs, as text rows keyed by
    /// model name (run ids may differ between stores).
    static func dump(_ path: String) throws -> [String] {
        let store = try RunStore.open(at: path, access: .readOnly)
        defer { store.close() }
        var rows: [String] = []
        try store.database.forEachRow("""
            SELECT r.model_name, o.position, o.stage, o.top1_class, o.top1_prob, o.top2_class, o.top2_prob,
                   o.top5_class, o.top5_prob, o.cumulative_flops
            FROM stage_outputs o JOIN runs r USING (run_id) WHERE r.mode = 'accuracy'
            ORDER BY r.model_name, o.position, o.stage
            """) { row in
            rows.append((0..<10).map { row.string(Int32($0)) }.joined(separator: "|"))
        }
        try store.database.forEachRow("""
            SELECT r.model_name, s.position, s.kind, s.cells FROM selections s JOIN runs r USING (run_id)
            WHERE r.mode = 'accuracy' ORDER BY r.model_name, s.position
            """) { row in
            rows.append((0..<4).map { row.string(Int32($0)) }.joined(separator: "|"))
        }
        return rows
    }

    static func recorded(_ path: String) -> Int {
        guard let store = try? RunStore.open(at: path, access: .readOnly) else { return 0 }
        defer { store.close() }
        return (try? store.database.query("SELECT COUNT(*) FROM stage_outputs") { $0.int(0) }.first) ?? 0
    }

    let dir = CLI.temporaryDirectory("lifecycle")
    let data: String
    let suite: String

    init() throws {
        data = try Fixture.dataset(in: dir, classes: 3, perClass: 80)
        suite = try Fixture.suite(in: dir, data: data)
    }

    func runArgs(_ db: String, _ extra: [String] = []) -> [String] {
        ["--suite", suite, "--db", db, "--reports", dir + "/Reports", "--batch", "4", "--threads", "2",
         "--mode", "accuracy", "--no-report"] + extra
    }

    @Test func rerunsAreDeterministicAndKillResumeLosesNothing() throws {
        let a = dir + "/a.sqlite", b = dir + "/b.sqlite", k = dir + "/k.sqlite"
        let first = try CLI.run(runArgs(a))
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try CLI.run(runArgs(b)).status == 0)
        let reference = try Self.dump(a)
        #expect(reference.count == 3 * 80 * (1 + 2 + 2) + 2 * 3 * 80)
        #expect(try Self.dump(b) == reference, "same suite, weights and data must give identical stored outputs")

        // Kill part-way (SIGKILL), then resume: the rows equal an uninterrupted run's.
        let p = CLI.start(runArgs(k, ["--model", "cf-vit"]))
        let deadline = Date().addingTimeInterval(60)
        while Self.recorded(k) < 8 && Date() < deadline { usleep(5_000) }
        // While it runs, a second writer on the same store is refused with a clear message.
        let second = try CLI.run(runArgs(k, ["--model", "vit"]))
        kill(p.process.processIdentifier, SIGKILL)
        p.process.waitUntilExit()
        let partial = Self.recorded(k)
        #expect(second.status != 0)
        #expect(second.stderr.contains("lock") || second.stderr.contains("in use") || second.stderr.contains("another"),
                "\(second.stderr)")
        #expect(partial > 0 && partial < 2 * 240, "the kill should land mid-run (recorded \(partial) rows)")
        let resumed = try CLI.run(runArgs(k))
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("resuming"))
        #expect(try Self.dump(k) == reference)
    }

    @Test func shardsMergeIntoTheSingleRunRows() throws {
        let whole = dir + "/whole.sqlite"
        #expect(try CLI.run(runArgs(whole)).status == 0)
        var shards: [String] = []
        for i in 0..<3 {
            let s = dir + "/shard\(i).sqlite"
            let r = try CLI.run(runArgs(s, ["--shard", "\(i)/3"]))
            #expect(r.status == 0, "\(r.stderr)")
            shards.append(s)
        }
        let merged = dir + "/merged.sqlite"
        let m = try CLI.run(["merge"] + shards + ["--into", merged])
        #expect(m.status == 0, "\(m.stderr)")
        #expect(try Self.dump(merged) == Self.dump(whole))
    }

    @Test func reportsRegenerateIdenticallyAndCheckGuardsThem() throws {
        let db = dir + "/rep.sqlite"
        let r = try CLI.run(["--suite", suite, "--db", db, "--reports", dir + "/Reports", "--batch", "8", "--threads", "2"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("| cf-vit |") && r.stdout.contains("| lf-vit |"), "the table is printed: \(r.stdout)")
        let table = dir + "/Reports/cli/table2.md"
        let before = try String(contentsOfFile: table, encoding: .utf8)
        #expect(before.contains("McNemar p") && before.contains("## Matched-accuracy operating points"))
        do {
            // The run stored paired statistics at the reported η, and timed every matched η.
            let store = try RunStore.open(at: db, access: .readOnly)
            defer { store.close() }
            let paired = try store.database.query("""
                SELECT r.model_name, s.eta FROM paired_stats s JOIN runs r ON r.run_id = s.run_id
                WHERE r.model_name = 'cf-vit' AND s.eta IN (0.5, 1.0) ORDER BY s.eta
                """) { "\($0.string(0)) \($0.double(1))" }
            #expect(paired == ["cf-vit 0.5", "cf-vit 1.0"])
            let matched = try store.database.query("""
                SELECT model_name, eta, images_per_second FROM matched_accuracy WHERE eta IS NOT NULL
                """) { ($0.string(0), $0.double(1), $0.isNull(2)) }
            for (model, eta, untimed) in matched {
                #expect(!untimed, "\(model) matched at η \(eta) but was not timed there")
            }
            #expect(try store.database.scalar("SELECT COUNT(*) FROM matched_accuracy") == .integer(4))
            // The fixture suite sets no `passes`: every point is the median of the default 3,
            // and the store says so where it says what the clock covered.
            let covers = try store.database.query("SELECT DISTINCT timer_covers FROM throughput") { $0.string(0) }
            #expect(!covers.isEmpty && covers.allSatisfy { $0.hasSuffix("; median of 3 passes over the images, interleaved across η") }, "\(covers)")
        }
        #expect(r.stderr.contains("cf-vit throughput η 0.50:") && r.stderr.contains(" s]"), "each point's passes are printed: \(r.stderr)")
        let svg = try Data(contentsOf: URL(fileURLWithPath: dir + "/Reports/cli/figures/accuracy-gflops.svg"))
        #expect(try CLI.run(["report", "--suite", suite, "--db", db, "--reports", dir + "/Reports"]).status == 0)
        #expect(try String(contentsOfFile: table, encoding: .utf8) == before)
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/Reports/cli/figures/accuracy-gflops.svg")) == svg)
        #expect(FileManager.default.fileExists(atPath: dir + "/Reports/cli.md"))
        #expect(FileManager.default.fileExists(atPath: dir + "/Reports/cli/figures/samples/strip.png"))

        let baseline = dir + "/baseline.json"
        #expect(try CLI.run(["check", "--suite", suite, "--db", db, "--baseline", baseline, "--update"]).status == 0)
        #expect(try CLI.run(["check", "--suite", suite, "--db", db, "--baseline", baseline]).status == 0)
        // A baseline whose FLOPs differ must fail the check.
        var text = try String(contentsOfFile: baseline, encoding: .utf8)
        let store = try RunStore.open(at: db, access: .readOnly)
        let flops = try store.runs(suite: "cli").first { $0.provenance.modelName == "cf-vit" }!.provenance.stageFLOPs[0]
        store.close()
        text = text.replacingOccurrences(of: "\(flops)", with: "\(flops + 1)")
        try text.write(toFile: baseline, atomically: true, encoding: .utf8)
        let failed = try CLI.run(["check", "--suite", suite, "--db", db, "--baseline", baseline])
        #expect(failed.status == 1)
        #expect(failed.stdout.contains("REGRESSION"))
    }
}
