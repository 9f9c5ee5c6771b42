import ArgumentParser
import Foundation
import Harness
import RunStore
import Tensor

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a suite: evaluate its models over the η sweep, store every image, write the reports.",
        discussion: """
            The default command: `repro --suite table2` is `repro run --suite table2`. Suites are \
            files in experiments/suites/. Accuracy mode runs both stages on every image and stores \
            per-image outputs in the results store; the η sweep is computed from them. Throughput \
            mode times real batched early exit at the suite's η points. A re-run resumes where an \
            interrupted run stopped and skips runs that are complete. Ctrl-C or SIGTERM stops after \
            the batch in flight (the run is marked interrupted and the resuming command printed); \
            a second one stops at once. --plan says what a run will cost before starting it.
            """)

    @Option(help: "Suite name (experiments/suites/NAME.json) or path to a suite file.")
    var suite = "table2"

    @Option(help: "Evaluate this ImageNet-style folder instead of the suite's data.")
    var data: String?

    @Option(help: "Class list file (one class folder name per line, in index order), e.g. experiments/imagenet_classes.txt.")
    var classes: String?

    @Option(name: .customLong("weights"), help: ArgumentHelp("Weights for a model row: MODEL=FILE (.pth or .safetensors); repeatable.", valueName: "MODEL=FILE"))
    var weightsList: [WeightsAssignment] = []

    @Option(name: .customLong("db"), help: "Results store (default: results/results.sqlite in the project).")
    var store: String?

    @Option(help: "Folder for the reports (default: Reports/ in the project).")
    var reports: String?

    @Option(help: "Evaluate only the first N images (after --every).")
    var limit: Int?

    @Option(help: "Evaluate every K-th image (positions divisible by K).")
    var every: Int?

    @Option(help: "Images per batch.")
    var batch = 32

    @Option(help: "Background image-decoding threads running ahead of the model; 0 decodes each batch on the compute threads between model calls (default: 0 when --threads takes every core, else one per spare core).")
    var workers: Int?

    @Option(help: ArgumentHelp("η values to report, comma-separated, each in [0, 1.5] (replaces the suite's).", valueName: "LIST"))
    var eta: EtaList?

    @Option(help: ArgumentHelp("Evaluate shard i of n, 0 ≤ i < n (images with position % n == i); merge shards with `repro merge`.", valueName: "i/n"))
    var shard: Shard?

    @Option(help: "What to run.")
    var mode: RunOptions.Mode = .all

    @Option(name: .customLong("model"), help: "Run only this model row (repeatable).")
    var models: [String] = []

    @Flag(help: "Wait for another process writing the same store instead of failing.")
    var wait = false

    @Flag(help: "Do not write reports.")
    var noReport = false

    @Flag(help: "For CI: symlinks not followed, files listed twice, images without a label, unreadable folders and images that cannot be decoded (every selected image is read once first) end the run with a list of them before a model runs, instead of being skipped and reported. A suite can set \"strict\": true in its dataset.")
    var strictData = false

    @Flag(help: "Print what the run would cost (images, FLOPs, time from a short timed calibration on this machine; per shard with --shard) and exit without writing anything.")
    var plan = false

    @OptionGroup var compute: ComputeOptions

    func options() throws -> RunOptions {
        var o = RunOptions()
        o.data = data
        o.classes = classes
        for item in weightsList { o.weights[item.model] = item.file }
        o.store = store
        o.reports = reports
        o.limit = limit
        o.every = every
        o.batch = batch
        o.workers = workers
        if let eta {
            guard eta.values.allSatisfy({ (0...1.5).contains($0) }) else {
                throw ValidationError("--eta takes numbers in [0, 1.5] separated by commas, got '\(eta)'")
            }
            o.eta = eta.values
        }
        if let shard {
            // A run evaluates one shard; several at once are what `repro merge` records.
            guard shard.indices.count == 1 else {
                throw ValidationError("--shard takes one shard i/n, got '\(shard)'")
            }
            o.shard = (shard.indices[0], shard.count)
        }
        o.mode = mode
        o.only = models.isEmpty ? nil : models
        o.wait = wait
        o.writeReports = !noReport
        o.strictData = strictData
        return o
    }

    func validate() throws {
        _ = try options()
        if batch < 1 { throw ValidationError("--batch must be at least 1") }
        if let workers, workers < 0 { throw ValidationError("--workers must be 0 or more") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        if let every, every < 1 { throw ValidationError("--every must be at least 1") }
    }

    func run() throws {
        var o = try options()
        o.compute = compute.settings()
        // Ctrl-C, kill, scancel, a time limit: finish the batch in flight, mark the run
        // interrupted, say how to resume (a second signal exits at once).
        let stop = StopRequest()
        stop.listen()
        defer { stop.stopListening() }
        o.stop = stop
        do {
            let suitePlan = try SuitePlan.make(suiteName: suite, options: o)
            if plan {
                let estimate = try CostEstimate.measure(suitePlan)
                print(estimate.render(suite: suitePlan.suite.name, throughputNote: throughputNote(suitePlan)))
                return
            }
            let outcome = try SuiteRunner.run(suitePlan)
            if !outcome.summary.isEmpty {
                print(outcome.summary)
                print("")
                print("reports: \(suitePlan.reportsPath)/\(suitePlan.suite.name).md (and \(outcome.reportFiles.count - 2) more in \(suitePlan.reportsPath)/\(suitePlan.suite.name)/)")
            }
            print("store:   \(suitePlan.storePath)")
        } catch let stopped as RunStopped {
            // A plan has nothing to resume; a run does.
            if !plan { ResumeHint.print(stopped.description) }
            throw ExitCode(stopped.exitStatus)
        } catch let failed as RunFailed {
            // The run is marked failed (reason in its notes); what is committed stays.
            FileHandle.standardError.write(Data("Error: \(failed.description)\n".utf8))
            ResumeHint.print("\(failed.run) failed")
            throw ExitCode.failure
        } catch let error as SuiteError {
            throw CLIError(error.description)
        }
    }

    /// What --plan leaves out: throughput mode times a fixed number of images per η.
    private func throughputNote(_ p: SuitePlan) -> String? {
        guard p.options.mode != .accuracy, p.options.shard == nil else { return nil }
        let images = p.suite.throughput?.images ?? 256
        return "Not included: throughput mode (\(p.rows.count) model\(p.rows.count == 1 ? "" : "s"), up to \(images) images "
            + "each, timed at every η of the suite after warm-up; short next to accuracy mode on a large set)."
    }
}

/// A message for the user and a non-zero exit, without a stack of error types.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
