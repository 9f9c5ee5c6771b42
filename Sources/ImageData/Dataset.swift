/// An image dataset on disk: the full sorted listing (each entry with its stable position), the
/// class list that maps names to indices, and what the scan left out.
///
/// Class-folder layout (`root/<class>/<file>`), as torchvision's ImageFolder lists it: class
/// folders sorted, then within a class `sorted(os.walk(class_dir, followlinks=True))` (files
/// of a folder before its subfolders' files), file names sorted — except that a symlinked
/// folder or file leading to something listed already (the root, a class folder, a folder or
/// image walked before) is reported instead of listed twice (see `FolderWalk`). Sorting is
/// byte-wise on the raw names, which equals Python's code-point order for UTF-8 names. Extensions are
/// torchvision's IMG_EXTENSIONS, matched case-insensitively, so positions line up with
/// ImageFolder's indices; formats other than JPEG and PNG are then skipped when read, with
/// reason "unsupported". Hidden files and folders (".name") are skipped and counted.
public struct Dataset: Sendable {
    public enum Layout: Equatable, Sendable {
        case classFolders
        /// Kaggle's ImageNet `LOC_val_solution.csv` beside a flat image folder.
        case kaggleSolutionCSV(String)
        /// `relative/path<TAB>label` lines.
        case pathList(String)
        /// Every image under the root, no labels (benchmarks).
        case unlabeled
    }

    public let root: RawPath
    public let layout: Layout
    /// nil for unlabeled listings.
    public let classes: ClassList?
    /// The full listing in sorted order; `entries[i].position == i`.
    public let entries: [DatasetEntry]
    public let report: ScanReport

    /// torchvision.datasets.folder.IMG_EXTENSIONS, lower case.
    public static let imageExtensions: Set<String> = ["jpg", "jpeg", "png", "ppm", "bmp", "pgm", "tif", "tiff", "webp"]

    public func subset(limit: Int? = nil, every: Int? = nil) -> [DatasetEntry] {
        DatasetSelection.subset(entries, limit: limit, every: every)
    }

    // MARK: Class folders

    /// Scans `root/<class>/...`. With `classes`, every class folder must be in the list (a
    /// subset of ImageNet keeps its true indices); without, the sorted folder names are the list.
    public static func classFolders(root: RawPath, classes: ClassList? = nil,
                                    classListName: String = "the class list") throws -> Dataset {
        guard Directory.isDirectory(root) else { throw DatasetError.notADirectory(root.description) }
        var report = ScanReport()
        var folders: [RawPath] = []
        for name in try Directory.names(root) {
            let path = root.appending(name)
            if name.isHidden { report.hidden.append(name.description); continue }
            switch Directory.kind(path) {
            case .directory: folders.append(name)
            case let .broken(err): report.unreadableFolders.append("\(name): \(FileReader.classify(errno: err, path: path).message)")
            case .file, .other: report.nonImageFiles.append(name.description)
            }
        }
        let classList = try classes ?? ClassList(names: folders.map(\.description), source: "class folders")
        for folder in folders where classList.index(of: folder.description) == nil {
            throw DatasetError.unknownClassFolder(folder: folder.description, classList: classListName)
        }

        let tops = folders.map { FolderWalk.Top(path: root.appending($0), relative: $0) }
        var byFolder = [[(dir: RawPath, name: RawPath)]](repeating: [], count: folders.count)
        for f in FolderWalk.run(root: root, tops: tops, report: &report) { byFolder[f.top].append((f.dir, f.name)) }
        var entries: [DatasetEntry] = []
        for (i, folder) in folders.enumerated() {  // byte-sorted, as torchvision iterates sorted(class_to_idx)
            let label = classList.index(of: folder.description) ?? DatasetEntry.unlabeled
            if byFolder[i].isEmpty { report.emptyClassFolders.append(folder.description) }
            for f in sortedWalkOrder(byFolder[i]) {
                let rel = f.dir.appending(f.name)
                entries.append(DatasetEntry(position: entries.count, path: root.appending(rel),
                                            relativePath: rel, label: label, className: folder.description))
            }
        }
        guard !entries.isEmpty else { throw DatasetError.noImages(root.description) }
        return Dataset(root: root, layout: .classFolders, classes: classList, entries: entries, report: report)
    }

    /// Every image under `root` (recursively), unlabeled, in walk order.
    public static func unlabeled(root: RawPath) throws -> Dataset {
        guard Directory.isDirectory(root) else { throw DatasetError.notADirectory(root.description) }
        var report = ScanReport()
        let found = FolderWalk.run(root: root, tops: [FolderWalk.Top(path: root, relative: RawPath(bytes: []))],
                                   report: &report).map { (dir: $0.dir, name: $0.name) }
        let entries = sortedWalkOrder(found).enumerated().map { i, f in
            let rel = f.dir.appending(f.name)
            return DatasetEntry(position: i, path: root.appending(rel), relativePath: rel,
                                label: DatasetEntry.unlabeled, className: "")
        }
        guard !entries.isEmpty else { throw DatasetError.noImages(root.description) }
        return Dataset(root: root, layout: .unlabeled, classes: nil, entries: entries, report: report)
    }

    /// Python's `sorted()` over os.walk tuples: by folder path, then by file name.
    static func sortedWalkOrder(_ found: [(dir: RawPath, name: RawPath)]) -> [(dir: RawPath, name: RawPath)] {
        found.sorted { a, b in a.dir != b.dir ? a.dir < b.dir : a.name < b.name }
    }

    init(root: RawPath, layout: Layout, classes: ClassList?, entries: [DatasetEntry], report: ScanReport) {
        self.root = root
        self.layout = layout
        self.classes = classes
        self.entries = entries
        self.report = report
    }
}
