import Foundation
import ImageData
import Reporting
import RunStore
import Tensor
import ViT

/// Runs a suite end to end: checks everything it can before writing anything, then accuracy
/// runs (resumable), throughput runs, and the reports.
public enum SuiteRunner {
    public struct Outcome {
        public var accuracyRuns: [String: RunID] = [:]
        public var reportFiles: [String] = []
        /// Table 2 as Markdown, for stdout.
        public var summary: String = ""
    }

    public static func run(_ plan: SuitePlan) throws -> Outcome {
        // 1. Data: generate the bundled set on first use, then list it.
        if plan.options.data == nil, let synth = plan.suite.dataset.synth {
            try prepareSynthetic(at: plan.dataPath, synth)
        }
        let data = try loadData(plan)
        // 2. Models: load and check every weights file before the store is touched.
        let models = try loadModels(plan)
        // 2b. Strict data: after the (quick) weights checks, before the store and any model.
        if plan.options.strictData || plan.suite.dataset.strict == true {
            try StrictData.check(data, workers: ProcessInfo.processInfo.activeProcessorCount)
        }
        // 3. Store.
        try FileManager.default.createDirectory(atPath: (plan.storePath as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        let store = try RunStore.open(at: plan.storePath, access: .readWrite(
            wait: plan.options.wait ? .wait(timeoutSeconds: 24 * 3600) : .fail,
            onWait: { holder in Progress.note("waiting for \(holder) to release \(plan.storePath)") }))
        defer { store.close() }
        let datasetID = try store.registerDataset(data.info)
        let git = plan.root.map { Provenance.gitRevision(in: $0) } ?? "unknown"
        var outcome = Outcome()

        if plan.options.mode != .throughput {
            for row in plan.rows where !(row.model.throughputOnly ?? false) {
                try plan.options.stop?.check()
                let run = AccuracyRun(context: RunContext(plan: plan, row: row, model: models[row.model.name]!, data: data,
                                                          store: store, datasetID: datasetID, gitRevision: git))
                if let done = try completeRun(store, suite: plan.suite.name, model: row.model.name, hash: try run.specHash(),
                                              shard: plan.options.shard) {
                    Progress.note("\(row.model.name): up to date (\(done.id), \(data.entries.count) images)")
                    outcome.accuracyRuns[row.model.name] = done.id
                    continue
                }
                outcome.accuracyRuns[row.model.name] = try run.run()
            }
        }
        // Paired statistics of each row against its baseline / main row, before the throughput
        // runs: those time the matched-accuracy η, which come from the same stored sweeps.
        if plan.options.shard == nil {
            try RunComparisons.record(suite: plan.suite, store: store)
        }
        if plan.options.mode != .accuracy, plan.options.shard == nil {
            for row in plan.rows {
                try plan.options.stop?.check()
                _ = try ThroughputRun(context: RunContext(plan: plan, row: row, model: models[row.model.name]!, data: data,
                                                          store: store, datasetID: datasetID, gitRevision: git)).run()
            }
        }
        if plan.options.writeReports, plan.options.shard == nil {
            try plan.options.stop?.check()
            let files = try Reports.write(suite: plan.suite, store: store, storePath: plan.storePath, to: plan.reportsPath)
            outcome.reportFiles = files.files
            outcome.summary = files.summary
        }
        let blas = BLAS.coreSelection
        if !blas.fast {
            // Repeated at the end, where a reader of the summary looks: every time above is slow.
            Progress.note("warning: BLAS ran \(blas.chosen) kernels, below what this CPU can run: \(blas.note ?? "")")
        }
        return outcome
    }

    /// The suite's listing (after --limit, --every and --shard), its report lines on stderr.
    static func loadData(_ plan: SuitePlan) throws -> SuiteDataset {
        let data = try SuiteDataset.load(path: plan.dataPath, spec: plan.suite.dataset, classesOverride: plan.options.classes,
                                         root: plan.root, options: plan.options)
        for line in data.dataset.report.lines { Progress.note("data: \(line)") }
        return data
    }

    /// Every row's model, weights loaded and checked; a stop request is honoured between files.
    static func loadModels(_ plan: SuitePlan) throws -> [String: LoadedModel] {
        var models: [String: LoadedModel] = [:]
        for row in plan.rows {
            let m = try LoadedModel(name: row.model.name, label: row.model.label, spec: row.spec, weights: row.weights,
                                    preprocessing: row.preprocessing, compute: plan.options.compute)
            for w in m.warnings { Progress.note("warning: \(w)") }
            models[row.model.name] = m
            try plan.options.stop?.check()
        }
        return models
    }

    /// The bundled synthetic split at `path` (= ROOT/<split>): generated on first use, and
    /// checked against its manifest otherwise (a folder with other parameters is refused).
    static func prepareSynthetic(at path: String, _ spec: Suite.SynthSpec) throws {
        let root = (path as NSString).deletingLastPathComponent
        let split = SynthSplit(rawValue: spec.split ?? (path as NSString).lastPathComponent) ?? .val
        let parameters = SynthParameters(seed: spec.seed ?? SynthParameters.defaultSeed)
        if SynthDataset.completedManifest(at: root, parameters: parameters, splits: [split]) != nil { return }
        Progress.note("preparing the bundled \(split.rawValue) images in \(root) (first use; seed \(parameters.seed))")
        // The generator reports from its worker threads: serialize the updates.
        final class Counter: @unchecked Sendable {
            let progress: Progress
            let lock = NSLock()
            var last = 0
            init(_ p: Progress) { progress = p }
            func update(_ done: Int) {
                lock.lock()
                defer { lock.unlock() }
                if done > last { progress.advance(by: done - last); last = done }
            }
        }
        let counter = Counter(Progress(label: "synth", total: parameters.classes * parameters.imagesPerClass(split)))
        do {
            _ = try SynthDataset.generate(into: root, parameters: parameters, splits: [split]) { done, _ in
                counter.update(done)
            }
        } catch {
            throw SuiteError("cannot prepare the bundled data in \(root): \(error)")
        }
        counter.progress.finish()
    }

    static func completeRun(_ store: RunStore, suite: String, model: String, hash: String,
                            shard: (index: Int, count: Int)?) throws -> RunRecord? {
        let wanted = shard.map { Shard(index: $0.index, count: $0.count) }
        return try store.runs(suite: suite).last {
            $0.provenance.modelName == model && $0.provenance.specHash == hash && $0.provenance.mode == .accuracy
                && $0.status == .complete && $0.provenance.shard == wanted
        }
    }
}

/// Writes a suite's documents: everything under Reports/<suite>/, and the suite's main table as
/// Reports/<suite>.md and .csv.
public enum Reports {
    public static func write(suite: Suite, store: RunStore, storePath: String, to directory: String,
                             samplesPerModel: Int = 4) throws -> (files: [String], summary: String) {
        let built = try ReportBuilder(suite: suite, store: store, storePath: storePath).build()
        let runs = suite.models.compactMap { m in built.runs[m.name].map { (m.name, $0) } }
        let samples = OverlaySamples.make(runs: runs, store: store, perModel: samplesPerModel)
        let folder = (directory as NSString).appendingPathComponent(suite.name)
        let written = try ReportWriter.write(built.report, samples: samples, to: folder)
        let main = Table2.render(built.report)
        // The top-level copy sits one folder up: point its figure links into the suite folder.
        let text = main.markdownDocument(built.report.provenance) + ReportDocuments.table2Supplement(built.report)
            + "\nAll documents of this suite: [\(suite.name)/index.md](\(suite.name)/index.md)\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: (directory as NSString).appendingPathComponent("\(suite.name).md")), options: .atomic)
        try Data(main.csv.render().utf8).write(to: URL(fileURLWithPath: (directory as NSString).appendingPathComponent("\(suite.name).csv")), options: .atomic)
        let files = written.map { "\(suite.name)/\($0)" } + ["\(suite.name).md", "\(suite.name).csv"]
        return (files, main.table.render() + (main.notes.isEmpty ? "" : "\n" + main.notes.joined(separator: "\n")))
    }
}
