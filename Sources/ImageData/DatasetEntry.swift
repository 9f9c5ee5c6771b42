import Foundation

/// One image of a dataset listing.
public struct DatasetEntry: Hashable, Sendable, CustomStringConvertible {
    /// Index in the full sorted listing, before any limit / every / shard selection: the stable
    /// key under which shards and resumed runs store this image.
    public let position: Int
    /// Path to open (the dataset root joined with `relativePath`).
    public let path: RawPath
    /// Path relative to the dataset root, as stored in results.
    public let relativePath: RawPath
    /// Class index, or `DatasetEntry.unlabeled`.
    public let label: Int
    /// Class name (synset), "" when unlabeled.
    public let className: String

    public static let unlabeled = -1

    public init(position: Int, path: RawPath, relativePath: RawPath, label: Int, className: String) {
        self.position = position
        self.path = path
        self.relativePath = relativePath
        self.label = label
        self.className = className
    }

    public var description: String { "#\(position) \(relativePath) [\(label) \(className)]" }
}

/// Deterministic subsets of a listing.
public enum DatasetSelection {
    /// Every K-th image by position (position % K == 0), then the first N of those.
    public static func subset(_ entries: [DatasetEntry], limit: Int? = nil, every: Int? = nil) -> [DatasetEntry] {
        var out = entries
        if let k = every, k > 1 { out = out.filter { $0.position % k == 0 } }
        if let n = limit, n >= 0, n < out.count { out = Array(out.prefix(n)) }
        return out
    }

    /// Shard i of n: the images whose position % n == i (independent of any other selection).
    public static func shard(_ entries: [DatasetEntry], index i: Int, of n: Int) -> [DatasetEntry] {
        precondition(n > 0 && i >= 0 && i < n, "shard \(i) of \(n)")
        return entries.filter { $0.position % n == i }
    }
}

/// Class names in index order. ImageNet: the 1000 sorted synsets
/// (experiments/imagenet_classes.txt), so that a subset folder keeps the true indices.
public struct ClassList: Equatable, Sendable {
    public let names: [String]
    private let indexByName: [String: Int]

    public init(names: [String], source: String = "class list") throws {
        var index: [String: Int] = [:]
        for (i, name) in names.enumerated() {
            if let first = index[name] {
                throw DatasetError.invalidClassList(source, "class '\(name)' appears twice (lines \(first + 1) and \(i + 1))")
            }
            index[name] = i
        }
        self.names = names
        self.indexByName = index
    }

    public var count: Int { names.count }

    public func index(of name: String) -> Int? { indexByName[name] }

    /// One class name per line; blank lines and surrounding whitespace are ignored.
    public static func load(path: String) throws -> ClassList {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw DatasetError.invalidClassList(path, "cannot read the file (\(error.localizedDescription))")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw DatasetError.invalidClassList(path, "not UTF-8 text")
        }
        let names = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        guard !names.isEmpty else { throw DatasetError.invalidClassList(path, "no class names in the file") }
        return try ClassList(names: names, source: path)
    }
}

/// Problems with the dataset as a whole (as opposed to one bad image): these stop the run,
/// with a message that names the file or folder and what to do.
public enum DatasetError: Error, Equatable, CustomStringConvertible {
    case notADirectory(String)
    case unreadableDirectory(String, String)
    case unknownClassFolder(folder: String, classList: String)
    case invalidClassList(String, String)
    case invalidLabelFile(file: String, line: Int, reason: String)
    case noImages(String)

    public var description: String {
        switch self {
        case let .notADirectory(path):
            return "dataset root \(path) is not a directory: pass the folder that holds the class folders (val/<class>/<file>) or the images"
        case let .unreadableDirectory(path, why):
            return "cannot list folder \(path): \(why)"
        case let .unknownClassFolder(folder, list):
            return "class folder '\(folder)' is not in the class list \(list): remove the folder or use a class list that contains it"
        case let .invalidClassList(file, why):
            return "class list \(file): \(why)"
        case let .invalidLabelFile(file, line, why):
            return "label file \(file), line \(line): \(why)"
        case let .noImages(root):
            return "no images found under \(root) (looked for .jpg .jpeg .png and the other image extensions torchvision accepts)"
        }
    }
}
