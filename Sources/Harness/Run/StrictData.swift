import Foundation
import ImageData

/// `--strict-data` (or `"strict": true` in the suite's dataset): for CI, where a folder that
/// silently loses images would still give a table. Before any model runs, every listing
/// report that left an image out (links not followed, duplicates, unlabeled images, folders
/// not read) and every image that cannot be decoded is an error. Without it, the run skips
/// and reports them, as it always has.
public enum StrictData {
    /// How many problems the error names one by one.
    static let namedLimit = 20

    /// Throws a `SuiteError` naming the problems of the images this run would evaluate.
    /// Decodes each of them once, on `workers` threads.
    public static func check(_ data: SuiteDataset, workers: Int) throws {
        var problems = data.dataset.report.problems
        let progress = Progress(label: "strict data check", total: data.entries.count)
        let skipped = ReadCheck.skipped(data.entries, workers: workers) { done in
            progress.advance(by: done - progress.done)
        }
        progress.finish()
        problems += skipped.map(\.description)
        guard problems.isEmpty else { throw SuiteError(message(problems, images: data.entries.count)) }
        Progress.note("data: strict check passed: \(data.entries.count) images read, nothing left out")
    }

    static func message(_ problems: [String], images: Int) -> String {
        var lines = ["--strict-data: \(problems.count) data problem\(problems.count == 1 ? "" : "s") (\(images) images checked); no model was run:"]
        lines += problems.prefix(namedLimit).map { "  " + $0 }
        if problems.count > namedLimit { lines.append("  … and \(problems.count - namedLimit) more") }
        lines.append("  fix the folder or label file, or run without --strict-data to skip and report them")
        return lines.joined(separator: "\n")
    }
}
