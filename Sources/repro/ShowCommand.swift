import ArgumentParser
import Foundation
import Harness
import ImageData
import Reporting
import RunStore

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw the region a two-stage run selected for one image (PNG).",
        discussion: """
            IMAGE is the image's path relative to the dataset folder (as stored), an absolute path \
            inside it, or its position number. The image is cropped as the model saw it; cells that \
            were not refined are dimmed; LF-ViT's window is outlined.
            """)

    @Argument(help: "Image: relative path, absolute path, or position.")
    var image: String

    @Option(name: .customLong("run"), help: "Run id (see `sqlite3 results/results.sqlite 'SELECT * FROM run_overview'`).")
    var runID: Int64

    @Option(name: .customLong("db"), help: "Results store (default: results/results.sqlite in the project).")
    var store: String?

    @Option(help: "Output PNG (default: show-<run>-<position>.png in the current folder).")
    var out: String?

    func run() throws {
        let root = SuiteLoader.projectRoot() ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let path = store ?? root.appendingPathComponent("results/results.sqlite").path
        guard FileManager.default.fileExists(atPath: path) else { throw CLIError("no results store at \(path); pass --db FILE") }
        let db = try RunStore.open(at: path, access: .readOnly)
        defer { db.close() }
        guard let record = try db.run(RunID(runID)) else { throw CLIError("no run \(runID) in \(path)") }
        guard record.provenance.stageCount == 2 else { throw CLIError("run \(runID) is a single-stage model: nothing was selected") }
        let dataRoot = record.provenance.datasetPath
        var wanted = image
        if wanted.hasPrefix(dataRoot + "/") { wanted = String(wanted.dropFirst(dataRoot.count + 1)) }
        let position = Int(wanted)
        var found: ImageResult?
        try db.forEachResult(of: record.id) { r in
            if found == nil, r.image.relativePath == wanted || r.image.position == position { found = r }
        }
        guard let result = found else { throw CLIError("image '\(image)' is not among the results of run \(runID)") }
        let pre = try JSONDecoder().decode(Preprocessing.self, from: Data(record.provenance.preprocessingJSON.utf8))
        let sample = try OverlaySamples.sampleImage(path: URL(fileURLWithPath: dataRoot).appendingPathComponent(result.image.relativePath).path,
                                                    preprocessing: pre, result: result, model: record.provenance.modelName)
        let picture = try sample.selection.map { try RegionOverlay.render(sample.image, selection: $0) } ?? sample.image
        let dest = out ?? "show-\(runID)-\(result.image.position).png"
        do { try picture.writePNG(to: dest) } catch { throw CLIError("cannot write \(dest): \(error)") }
        print("wrote \(dest): \(sample.caption)")
    }
}
