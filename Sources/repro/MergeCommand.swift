import ArgumentParser
import Foundation
import RunStore

/// `repro merge A.sqlite B.sqlite … --into results.sqlite`: combines the stores written by
/// `--shard i/n` runs into one, as if a single run had evaluated every image.
struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Combine shard stores into one results store.",
        discussion: """
            Runs with the same spec hash, model and mode become one run; images are matched by \
            dataset and position. Rows for the same key must be identical: a conflict stops the \
            merge, names the rows, and leaves the target unchanged. Merging a shard twice is \
            harmless. The η sweep of every merged run is recomputed from the merged outputs.
            """)

    @Argument(help: "Shard stores to merge (read only; none may be in use by a writer).")
    var sources: [String]

    @Option(name: .customLong("into"), help: "The store to merge into (created if missing).")
    var into: String

    @Flag(help: "If another process is writing the target, wait for it instead of failing.")
    var wait = false

    func validate() throws {
        if sources.isEmpty { throw ValidationError("Give at least one shard store to merge.") }
    }

    func run() throws {
        let target = into
        let store = try RunStore.open(
            at: target,
            access: .readWrite(wait: wait ? .wait(timeoutSeconds: nil) : .fail, onWait: { holder in
                Self.printError("repro merge: \(target) is in use by \(holder); waiting…")
            }))
        defer { store.close() }
        let report = try store.merge(from: sources)
        for run in report.runs {
            let coverage = run.shard.map { " (covers shards \($0) only)" } ?? ""
            print("\(run.suite)/\(run.modelName) [\(run.mode.rawValue)] -> run \(run.run.rawValue): "
                  + "\(run.images) images, \(run.status.rawValue)\(coverage)")
            for part in run.parts { print("    from \(part)") }
        }
        for warning in report.warnings { Self.printError("repro merge: warning: \(warning)") }
    }

    private static func printError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
