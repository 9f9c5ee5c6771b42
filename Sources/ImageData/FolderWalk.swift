/// Collects the image files under a dataset's folders so that every real folder and every
/// image file is listed once, at its own place.
///
/// torchvision's `os.walk(class_dir, followlinks=True)` follows every symlinked folder, so a
/// link back to the dataset root (`class_c/loop -> ..`), to another class folder or into a
/// folder already walked lists the same images again, labelled with the class of the folder
/// that holds the link. Here the real folders are walked first without following any symlink;
/// then each symlink, in walk order, is followed only if it leads to a folder or file not
/// listed yet: outside the dataset tree (val assembled from elsewhere), or to a hidden folder.
/// A link that is not followed is reported once and none of its images are listed. Files are
/// compared by their resolved path, so hard links are two files (as for torchvision).
struct FolderWalk {
    /// Where a walk starts: a class folder (class-folder layout) or the root itself (unlabeled).
    struct Top {
        /// Path to open.
        let path: RawPath
        /// Relative to the dataset root; empty for the root.
        let relative: RawPath
    }

    /// An image file: the top it was found under, its folder relative to the root, its name.
    struct Found {
        let top: Int
        let dir: RawPath
        let name: RawPath
    }

    /// A symlink met in the walk, looked at once the real folders are all known.
    private struct Link {
        let top: Int
        let path: RawPath
        let dir: RawPath
        let name: RawPath
        let isFolder: Bool
        var relative: RawPath { dir.appending(name) }
    }

    private let root: RawPath
    /// Resolved path of each class folder → its top index (the first, if two resolve alike).
    private var topByFolder: [RawPath: Int] = [:]
    private let topNames: [RawPath]
    /// Resolved path → relative path where it is listed.
    private var listedFolders: [RawPath: RawPath] = [:]
    private var listedFiles: [RawPath: RawPath] = [:]
    private var links: [Link] = []
    private var found: [Found] = []
    private var report: ScanReport

    /// The image files under `tops`, in no particular order (callers sort them), and what was
    /// left out, added to `report`.
    static func run(root: RawPath, tops: [Top], report: inout ScanReport) -> [Found] {
        var walk = FolderWalk(root: root, tops: tops, report: report)
        walk.walkTops(tops)
        walk.followLinks()
        report = walk.report
        return walk.found
    }

    private init(root: RawPath, tops: [Top], report: ScanReport) {
        self.root = Directory.resolved(root) ?? root
        topNames = tops.map(\.relative)
        self.report = report
    }

    private mutating func walkTops(_ tops: [Top]) {
        // Every class folder is known before any is walked, so that a link in class_a to
        // class_b is recognised although class_b is walked later.
        // Where two resolve to the same folder, the real one owns it, not the link.
        let resolved = tops.map { Directory.resolved($0.path) ?? $0.path }
        let isLink = tops.map { Directory.isSymlink($0.path) }
        for pass in [false, true] {
            for (i, real) in resolved.enumerated() where isLink[i] == pass && topByFolder[real] == nil {
                topByFolder[real] = i
            }
        }
        for (i, top) in tops.enumerated() {
            // A class folder may itself be a symlink (to a folder outside: fine; to the root or
            // to another class folder: its images would be listed twice).
            if let why = reasonNotToWalk(resolved[i], top: i, isRoot: top.relative.bytes.isEmpty) {
                report.linksNotFollowed.append("\(top.relative) → \(why): not followed")
                continue
            }
            walkFolder(top.path, relative: top.relative, resolved: resolved[i], top: i)
        }
    }

    /// Why the folder at resolved path `real` must not be walked (again) for top `top`, or nil.
    private func reasonNotToWalk(_ real: RawPath, top: Int, isRoot: Bool = false) -> String? {
        if isRoot { return nil }
        if real == root { return "the dataset root" }
        if Self.isAncestor(real, of: root) { return "\(real), a folder above the dataset root" }
        if let owner = topByFolder[real], !(owner == top && listedFolders[real] == nil) {
            return owner == top ? "its own class folder \(topNames[owner])" : "class folder \(topNames[owner])"
        }
        if let listed = listedFolders[real] { return "\(listed), already listed" }
        return nil
    }

    private mutating func walkFolder(_ dir: RawPath, relative: RawPath, resolved real: RawPath, top: Int) {
        listedFolders[real] = relative
        let names: [RawPath]
        do {
            names = try Directory.names(dir)
        } catch {
            report.unreadableFolders.append("\(relative): \(error)")
            return
        }
        for name in names {
            let rel = relative.appending(name)
            if name.isHidden { report.hidden.append(rel.description); continue }
            let path = dir.appending(name)
            let kind = Directory.kind(path)
            let isLink = Directory.isSymlink(path)
            if case .directory = kind {
                if isLink {
                    links.append(Link(top: top, path: path, dir: relative, name: name, isFolder: true))
                    continue
                }
                let childReal = real.appending(name)
                // Only when a class folder is a symlink into another class's tree.
                if let why = reasonNotToWalk(childReal, top: top) {
                    report.linksNotFollowed.append("\(rel) is \(why): not walked again")
                    continue
                }
                walkFolder(path, relative: rel, resolved: childReal, top: top)
                continue
            }
            // Regular files, and also FIFOs, loops and dangling links with an image extension:
            // they stay in the listing and are skipped with their reason when read.
            guard Dataset.imageExtensions.contains(name.lowercasedExtension) else {
                report.nonImageFiles.append(rel.description)
                continue
            }
            if isLink, case .file = kind {
                links.append(Link(top: top, path: path, dir: relative, name: name, isFolder: false))
                continue
            }
            add(top: top, dir: relative, name: name, resolved: kind == .file ? real.appending(name) : nil)
        }
    }

    /// Follows the links in the order they were met; those met inside a followed folder are
    /// appended and looked at in turn.
    private mutating func followLinks() {
        var i = 0
        while i < links.count {
            let link = links[i]
            i += 1
            guard let real = Directory.resolved(link.path) else {
                // Changed since it was listed: read (and skipped) like any other bad entry.
                if link.isFolder {
                    report.unreadableFolders.append("\(link.relative): the link no longer resolves")
                } else {
                    add(top: link.top, dir: link.dir, name: link.name, resolved: nil)
                }
                continue
            }
            if !link.isFolder {
                add(top: link.top, dir: link.dir, name: link.name, resolved: real)
            } else if let why = reasonNotToWalk(real, top: link.top) {
                report.linksNotFollowed.append("\(link.relative) → \(why): not followed")
            } else {
                walkFolder(link.path, relative: link.relative, resolved: real, top: link.top)
            }
        }
    }

    /// Lists an image file unless the file it resolves to is listed already.
    private mutating func add(top: Int, dir: RawPath, name: RawPath, resolved: RawPath?) {
        let rel = dir.appending(name)
        if let real = resolved {
            if let first = listedFiles[real] {
                report.duplicates.append("\(rel) → \(first), already listed: left out")
                return
            }
            listedFiles[real] = rel
        }
        if !name.isValidUTF8 { report.nonUTF8Names.append(rel.description) }
        found.append(Found(top: top, dir: dir, name: name))
    }

    /// True when `a` is a proper ancestor folder of `b` (both resolved, absolute).
    static func isAncestor(_ a: RawPath, of b: RawPath) -> Bool {
        guard b.bytes.count > a.bytes.count, b.bytes.starts(with: a.bytes) else { return false }
        return a.bytes.last == UInt8(ascii: "/") || b.bytes[a.bytes.count] == UInt8(ascii: "/")
    }
}
