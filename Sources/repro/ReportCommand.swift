import ArgumentParser
import Foundation
import Harness
import RunStore

/// Options naming a suite and the store it was run into.
struct StoreOptions: ParsableArguments {
    @Option(help: "Suite name or suite file.")
    var suite = "table2"

    @Option(name: .customLong("db"), help: "Results store (default: results/results.sqlite in the project).")
    var store: String?

    func resolve() throws -> (suite: Suite, storePath: String, root: URL?) {
        let root = SuiteLoader.projectRoot()
        do {
            let suite = try SuiteLoader.load(try SuiteLoader.locate(self.suite, root: root))
            let path = store ?? (root ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
                .appendingPathComponent("results/results.sqlite").path
            guard FileManager.default.fileExists(atPath: path) else {
                throw CLIError("no results store at \(path): run `repro --suite \(suite.name)` first, or pass --db FILE")
            }
            return (suite, path, root)
        } catch let e as SuiteError {
            throw CLIError(e.description)
        }
    }
}

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Regenerate a suite's tables and figures from the results store.",
        discussion: """
            Writes Reports/<suite>/ (index.md, table2.md/.csv, ablation tables, exit statistics, \
            throughput, sweep.csv, SVG figures, sample overlays) and Reports/<suite>.md/.csv from \
            the latest complete runs of the suite. Regenerating from the same store gives identical bytes.
            """)

    @OptionGroup var where_: StoreOptions

    @Option(help: "Folder for the reports (default: Reports/ in the project).")
    var reports: String?

    @Option(help: "Overlay samples per two-stage model.")
    var samples = 4

    func run() throws {
        let (suite, storePath, root) = try where_.resolve()
        let store = try RunStore.open(at: storePath, access: .readOnly)
        defer { store.close() }
        let dir = reports ?? (root ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).appendingPathComponent("Reports").path
        do {
            let out = try Reports.write(suite: suite, store: store, storePath: storePath, to: dir, samplesPerModel: samples)
            print(out.summary)
            print("")
            for f in out.files { print("wrote \(dir)/\(f)") }
        } catch let e as SuiteError {
            throw CLIError(e.description)
        }
    }
}
