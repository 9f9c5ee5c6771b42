/// An image that could not be used, with its one-line reason. The run records it and goes on.
public struct SkippedImage: Hashable, Sendable, CustomStringConvertible {
    public let position: Int
    /// Printable path (non-UTF-8 bytes escaped as \xNN, see `RawPath.description`).
    public let path: String
    public let reason: SkipReason
    public let message: String
    /// Bytes in the file, when it could be read (an undecodable file still has a size).
    public let fileSize: Int?

    public init(position: Int, path: String, reason: SkipReason, message: String, fileSize: Int? = nil) {
        self.position = position
        self.path = path
        self.reason = reason
        self.message = message
        self.fileSize = fileSize
    }

    public init(entry: DatasetEntry, error: ImageError, fileSize: Int? = nil) {
        self.init(position: entry.position, path: entry.relativePath.description,
                  reason: error.reason, message: error.message, fileSize: fileSize)
    }

    public var description: String { "skipped #\(position) \(path): \(reason.rawValue): \(message)" }
}

/// Counts of skipped images by reason, for the end-of-run summary.
public struct SkipSummary: Equatable, Sendable, CustomStringConvertible {
    public private(set) var counts: [SkipReason: Int] = [:]

    public init() {}

    public init<S: Sequence>(_ skipped: S) where S.Element == SkippedImage {
        for s in skipped { add(s.reason) }
    }

    public mutating func add(_ reason: SkipReason) { counts[reason, default: 0] += 1 }

    public mutating func merge(_ other: SkipSummary) {
        for (r, n) in other.counts { counts[r, default: 0] += n }
    }

    public var total: Int { counts.values.reduce(0, +) }

    public var description: String {
        if total == 0 { return "no images skipped" }
        let parts = counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key.rawValue)" }
        return "\(total) image\(total == 1 ? "" : "s") skipped (\(parts.joined(separator: ", ")))"
    }
}

/// What the folder scan found besides the images: files and folders it left out and why.
public struct ScanReport: Equatable, Sendable {
    /// Hidden files and folders (name starts with ".") that were skipped.
    public var hidden: [String] = []
    /// Files whose extension is not an image extension.
    public var nonImageFiles: [String] = []
    /// Class folders that hold no image (their class index still exists).
    public var emptyClassFolders: [String] = []
    /// Image paths whose names are not valid UTF-8 (kept; shown escaped).
    public var nonUTF8Names: [String] = []
    /// Folders that could not be listed, with the reason.
    public var unreadableFolders: [String] = []
    /// Symlinked folders not walked because they lead to the dataset root, a folder above it,
    /// a class folder or a folder listed already ("class_c/loop → the dataset root: not followed").
    public var linksNotFollowed: [String] = []
    /// Images left out because the file they resolve to is listed already: a symlinked file,
    /// or a label-file row naming a file an earlier row named (the first is kept).
    public var duplicates: [String] = []
    /// Flat layouts: images in the folder that have no label (left out).
    public var unlabeledImages: [String] = []
    /// Flat layouts: label-file rows whose image is not in the folder (kept; they are skipped
    /// when read, with reason "unreadable").
    public var missingImages: [String] = []

    public init() {}

    /// One line per non-empty category, for the CLI; links not followed and duplicates one
    /// line each (up to `namedLimit`), since each is something to fix.
    public var lines: [String] {
        var out: [String] = []
        func add(_ items: [String], _ what: String) {
            guard !items.isEmpty else { return }
            let sample = items.prefix(3).joined(separator: ", ")
            out.append("\(items.count) \(what)\(items.count > 3 ? " (e.g. \(sample))" : ": \(sample)")")
        }
        func addEach(_ items: [String], _ what: String) {
            out += items.prefix(Self.namedLimit)
            if items.count > Self.namedLimit { out.append("… and \(items.count - Self.namedLimit) more \(what)") }
        }
        add(hidden, "hidden files/folders skipped")
        add(nonImageFiles, "non-image files skipped")
        add(emptyClassFolders, "empty class folders")
        add(nonUTF8Names, "file names that are not UTF-8 (read normally, shown escaped)")
        add(unreadableFolders, "folders not read")
        addEach(linksNotFollowed, "links not followed")
        addEach(duplicates, "duplicate images left out")
        add(unlabeledImages, "images without a label (left out)")
        add(missingImages, "labelled images missing from the folder")
        return out
    }

    /// How many links or duplicates `lines` names one by one.
    static let namedLimit = 10

    /// What `--strict-data` refuses: images that were left out of the listing or would be
    /// listed twice, and folders that could not be read. Hidden files, non-image files, empty
    /// class folders and non-UTF-8 names are not problems (labelled images missing from the
    /// folder are: they fail when read, and the read check reports them).
    public var problems: [String] {
        unreadableFolders.map { "folder not read: \($0)" } + linksNotFollowed + duplicates
            + unlabeledImages.map { "\($0): image without a label, left out" }
    }
}
