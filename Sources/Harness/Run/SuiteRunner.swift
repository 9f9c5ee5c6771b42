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

    /// Prepares a dataset folder that does not exist yet (the bundled synthetic set).
    /// Set by the CLI; arguments: folder, synth spec.
    nonisolated(unsafe) public static var synthesize: ((String, Suite.SynthSpec) throws -> Void)?

    public static func run(_ plan: SuitePlan) throws -> Outcome {
        // 1. Data: generate the bundled set on first use, then list it.
        if !FileManager.default.fileExists(atPath: plan.dataPath), plan.options.data == nil,
           let synth = plan.suite.dataset.synth, let make = synthesize {
            Progress.note("preparing the bundled dataset in \(plan.dataPath) (first use)")
            try make(plan.dataPath, synth)
        }
        let data = try SuiteDataset.load(path: plan.dataPath, spec: plan.suite.dataset, classesOverride: plan.options.classes,
                                         root: plan.root, options: plan.options)
        for line in data.dataset.report.lines { Progress.note("data: \(line)") }
        // 2. Models: load and check every weights file before the store is touched.
        var models: [String: LoadedModel] = [:]
        for row in plan.rows {
            let m = try LoadedModel(name: row.model.name, label: row.model.label, spec: row.spec, weights: row.weights,
                                    preprocessing: row.preprocessing)
            for w in m.warnings { Progress.note("warning: \(w)") }
            models[row.model.name] = m
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
        if plan.options.mode != .accuracy, plan.options.shard == nil {
            for row in plan.rows {
                _ = try ThroughputRun(context: RunContext(plan: plan, row: row, model: models[row.model.name]!, data: data,
                                                          store: store, datasetID: datasetID, gitRevision: git)).run()
            }
        }
        if plan.options.writeReports, plan.options.shard == nil {
            let files = try Reports.write(suite: plan.suite, store: store, storePath: plan.storePath, to: plan.reportsPath)
            outcome.reportFiles = files.files
            outcome.summary = files.summary
        }
        return outcome
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
        let text = main.markdownDocument(built.report.provenance)
            + "\nAll documents of this suite: [\(suite.name)/index.md](\(suite.name)/index.md)\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: (directory as NSString).appendingPathComponent("\(suite.name).md")), options: .atomic)
        try Data(main.csv.render().utf8).write(to: URL(fileURLWithPath: (directory as NSString).appendingPathComponent("\(suite.name).csv")), options: .atomic)
        let files = written.map { "\(suite.name)/\($0)" } + ["\(suite.name).md", "\(suite.name).csv"]
        return (files, main.table.render() + (main.notes.isEmpty ? "" : "\n" + main.notes.joined(separator: "\n")))
    }
}
