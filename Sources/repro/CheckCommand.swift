import ArgumentParser
import Foundation
import Harness
import Reporting
import RunStore

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare a suite's latest runs with a committed baseline; exit 1 on regression.",
        discussion: """
            Per image and stage: the predicted class may change only where the top-2 margin is \
            within ε, the exit decision only where the stage-1 confidence is within ε of an η; \
            confidences must agree within a tolerance; FLOPs must be equal; the accuracy–GFLOPs \
            curve may move only by what the allowed flips explain. --update rewrites the baseline.
            """)

    @Option(help: "Baseline file (default: results/baselines/<suite>.json).")
    var baseline: String?

    @OptionGroup var where_: StoreOptions

    @Flag(help: "Write the current results as the new baseline instead of comparing.")
    var update = false

    @Option(help: "Most differences listed.")
    var limit = 40

    func run() throws {
        let (suite, storePath, root) = try where_.resolve()
        let path = baseline ?? (root ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            .appendingPathComponent("results/baselines/\(suite.name).json").path
        let store = try RunStore.open(at: storePath, access: .readOnly)
        defer { store.close() }
        let current: CheckBaseline
        do { current = try CheckBuilder.current(suite: suite, store: store, storePath: storePath) } catch let e as SuiteError {
            throw CLIError(e.description)
        }
        if update {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try current.save(path: path)
            print("wrote baseline \(path): \(current.models.count) models, \(current.models.map(\.images.count).reduce(0, +)) image records")
            return
        }
        guard FileManager.default.fileExists(atPath: path) else {
            throw CLIError("no baseline at \(path): create it with `repro check --suite \(suite.name) --update`")
        }
        let reference = try CheckBaseline.load(path: path)
        let result = RegressionCheck.compare(baseline: reference, current: current)
        print(result.diffText(limit: limit, showAllowed: false))
        if !result.passed { throw ExitCode(1) }
    }
}
