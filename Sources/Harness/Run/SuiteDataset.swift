import Digest
import Foundation
import ImageData
import RunStore

/// The suite's images: the listing (with stable positions), the class list and the identity
/// of the listing in the store.
public struct SuiteDataset {
    public var dataset: Dataset
    /// The images this process evaluates: after --every / --limit and --shard.
    public var entries: [DatasetEntry]
    public var info: DatasetInfo
    public var labelSource: String

    public static func load(path: String, spec: Suite.DatasetSpec, classesOverride: String?, root: URL?,
                            options: RunOptions) throws -> SuiteDataset {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue else {
            throw SuiteError("data folder not found: \(path)\n  pass --data DIR (an ImageNet-style folder: DIR/<class>/<image>)")
        }
        func resolve(_ p: String) -> String {
            p.hasPrefix("/") ? p : (root ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).appendingPathComponent(p).path
        }
        let classFile = classesOverride ?? spec.classes.map(resolve)
        let classes = try classFile.map { try ClassList.load(path: $0) }
        let dataset: Dataset
        let labelSource: String
        switch spec.layout ?? "folders" {
        case "folders":
            dataset = try Dataset.classFolders(root: RawPath(path), classes: classes,
                                               classListName: classFile ?? "the class list")
            labelSource = "folder"
        case "kaggle":
            guard let labels = spec.labels else { throw SuiteError("dataset layout 'kaggle' needs 'labels' (LOC_val_solution.csv)") }
            dataset = try Dataset.kaggleSolutionCSV(images: RawPath(path), csv: resolve(labels), classes: classes)
            labelSource = "kaggle-csv"
        case "list":
            guard let labels = spec.labels else { throw SuiteError("dataset layout 'list' needs 'labels' (path<TAB>label file)") }
            dataset = try Dataset.pathList(root: RawPath(path), listFile: resolve(labels), classes: classes)
            labelSource = "list"
        case let other:
            throw SuiteError("unknown dataset layout '\(other)' (folders, kaggle or list)")
        }
        var entries = dataset.subset(limit: options.limit ?? spec.limit, every: options.every ?? spec.every)
        if let shard = options.shard {
            entries = DatasetSelection.shard(entries, index: shard.index, of: shard.count)
        }
        // The listing's identity: every (position, path, label) and the class list, so that two
        // machines with the same folder agree and a changed folder never resumes a run.
        var lines = dataset.entries.map { "\($0.position)\t\($0.relativePath)\t\($0.label)" }
        lines.append("classes:" + (dataset.classes?.names.joined(separator: ",") ?? ""))
        let key = SHA256.hex(of: Array(lines.joined(separator: "\n").utf8))
        let classHash = SHA256.hex(of: Array((dataset.classes?.names.joined(separator: "\n") ?? "").utf8))
        let info = DatasetInfo(key: key, layout: spec.layout ?? "folders", classListHash: classHash,
                               classCount: dataset.classes?.count ?? 0, imageCount: dataset.entries.count)
        return SuiteDataset(dataset: dataset, entries: entries, info: info, labelSource: labelSource)
    }
}
