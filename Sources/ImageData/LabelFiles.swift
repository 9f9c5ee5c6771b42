import Foundation

/// Flat image folders whose labels come from a file.
extension Dataset {
    /// Kaggle's ImageNet layout: `LOC_val_solution.csv` (header `ImageId,PredictionString`; the
    /// label is the first token of PredictionString) and a flat folder of `<ImageId>.<ext>`.
    /// Without `classes`, the class list is the sorted set of labels in the file (for the full
    /// validation set: the 1000 synsets).
    public static func kaggleSolutionCSV(images root: RawPath, csv: String, classes: ClassList? = nil) throws -> Dataset {
        guard Directory.isDirectory(root) else { throw DatasetError.notADirectory(root.description) }
        let lines = try readLines(csv)
        var rows: [(id: [UInt8], label: String, line: Int)] = []
        for (n, raw) in lines.enumerated() {
            let lineNo = n + 1
            if raw.isEmpty { continue }
            guard let comma = raw.firstIndex(of: UInt8(ascii: ",")) else {
                throw DatasetError.invalidLabelFile(file: csv, line: lineNo, reason: "expected 'ImageId,PredictionString'")
            }
            let id = Array(raw[..<comma])
            let prediction = String(decoding: raw[(comma + 1)...], as: UTF8.self)
            if lineNo == 1 && String(decoding: id, as: UTF8.self) == "ImageId" { continue }  // header
            guard let label = prediction.split(whereSeparator: { $0 == " " || $0 == "\t" }).first else {
                throw DatasetError.invalidLabelFile(file: csv, line: lineNo, reason: "empty PredictionString")
            }
            rows.append((id, String(label), lineNo))
        }
        let classList = try classes ?? ClassList(names: Set(rows.map(\.label)).sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }),
                                                 source: csv)

        // Images in the folder by name without extension.
        var report = ScanReport()
        var byStem: [[UInt8]: RawPath] = [:]
        for name in try Directory.names(root) {
            if name.isHidden { report.hidden.append(name.description); continue }
            let ext = name.lowercasedExtension
            guard imageExtensions.contains(ext) else {
                if !Directory.isDirectory(root.appending(name)) { report.nonImageFiles.append(name.description) }
                continue
            }
            let stem = Array(name.bytes.dropLast(ext.utf8.count + 1))
            if byStem[stem] == nil { byStem[stem] = name }  // names are sorted: first one wins
        }

        var labelled: [(rel: RawPath, label: Int, name: String)] = []
        var seen = Set<[UInt8]>()
        var rowsByFile = RowsByFile(file: csv, root: root)
        for row in rows {
            guard let index = classList.index(of: row.label) else {
                throw DatasetError.invalidLabelFile(file: csv, line: row.line, reason: "label '\(row.label)' is not in the class list")
            }
            seen.insert(row.id)
            let found = byStem[row.id]
            let rel = found ?? RawPath(bytes: row.id + Array(".JPEG".utf8))
            // The same ImageId twice, or two ids whose files are one (a symlink): keep the first.
            if let duplicate = rowsByFile.claim(rel, line: row.line, label: row.label) {
                report.duplicates.append(duplicate)
                continue
            }
            if found == nil { report.missingImages.append(rel.description) }
            if !rel.isValidUTF8 { report.nonUTF8Names.append(rel.description) }
            labelled.append((rel, index, row.label))
        }
        for (stem, name) in byStem where !seen.contains(stem) { report.unlabeledImages.append(name.description) }
        report.unlabeledImages.sort()
        return try finish(root: root, layout: .kaggleSolutionCSV(csv), classes: classList, labelled: labelled, report: report)
    }

    /// A plain list: one `relative/path<TAB>label` per line (blank lines and lines starting with
    /// "#" ignored). The label is a class name from `classes`, or an integer class index. Without
    /// `classes`: integer labels are used as indices, names are sorted into a class list.
    public static func pathList(root: RawPath, listFile: String, classes: ClassList? = nil) throws -> Dataset {
        guard Directory.isDirectory(root) else { throw DatasetError.notADirectory(root.description) }
        var rows: [(path: RawPath, label: String, line: Int)] = []
        for (n, raw) in try readLines(listFile).enumerated() {
            if raw.isEmpty || raw.first == UInt8(ascii: "#") { continue }
            guard let tab = raw.lastIndex(of: UInt8(ascii: "\t")), tab > raw.startIndex else {
                throw DatasetError.invalidLabelFile(file: listFile, line: n + 1, reason: "expected 'relative/path<TAB>label'")
            }
            let label = String(decoding: raw[(tab + 1)...], as: UTF8.self).trimmingCharacters(in: .whitespaces)
            guard !label.isEmpty else {
                throw DatasetError.invalidLabelFile(file: listFile, line: n + 1, reason: "empty label")
            }
            rows.append((RawPath(bytes: Array(raw[..<tab])), label, n + 1))
        }
        let allIntegers = rows.allSatisfy { Int($0.label).map { $0 >= 0 } ?? false }
        let classList: ClassList?
        if let given = classes {
            classList = given
        } else if allIntegers {
            classList = nil
        } else {
            classList = try ClassList(names: Set(rows.map(\.label)).sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }),
                                      source: listFile)
        }
        var report = ScanReport()
        var labelled: [(rel: RawPath, label: Int, name: String)] = []
        var rowsByFile = RowsByFile(file: listFile, root: root)
        for row in rows {
            let index: Int
            if let list = classList, let i = list.index(of: row.label) {
                index = i
            } else if let i = Int(row.label), i >= 0, i < (classList?.count ?? Int.max) {
                index = i
            } else {
                throw DatasetError.invalidLabelFile(file: listFile, line: row.line,
                                                    reason: "label '\(row.label)' is neither a class name nor a class index")
            }
            if let duplicate = rowsByFile.claim(row.path, line: row.line, label: row.label) {
                report.duplicates.append(duplicate)
                continue
            }
            if case .broken(ENOENT) = Directory.kind(root.appending(row.path)) { report.missingImages.append(row.path.description) }
            if !row.path.isValidUTF8 { report.nonUTF8Names.append(row.path.description) }
            labelled.append((row.path, index, classList?.names[index] ?? row.label))
        }
        return try finish(root: root, layout: .pathList(listFile), classes: classList, labelled: labelled, report: report)
    }

    /// Sorts by relative path (byte-wise) and assigns positions.
    private static func finish(root: RawPath, layout: Layout, classes: ClassList?,
                               labelled: [(rel: RawPath, label: Int, name: String)], report: ScanReport) throws -> Dataset {
        let entries = labelled.sorted { $0.rel < $1.rel }.enumerated().map { i, e in
            DatasetEntry(position: i, path: root.appending(e.rel), relativePath: e.rel, label: e.label, className: e.name)
        }
        guard !entries.isEmpty else { throw DatasetError.noImages(root.description) }
        return Dataset(root: root, layout: layout, classes: classes, entries: entries, report: report)
    }

    /// Lines as raw bytes (paths need not be UTF-8); "\r\n" and "\n" both end a line.
    private static func readLines(_ file: String) throws -> [[UInt8]] {
        let bytes: [UInt8]
        do {
            bytes = try FileReader.read(RawPath(file))
        } catch let e as ImageError {
            if e.reason == .emptyFile { return [] }
            throw DatasetError.invalidLabelFile(file: file, line: 0, reason: "cannot read the file: \(e.message)")
        }
        let text = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes  // UTF-8 BOM
        return text.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { line in
            Array(line.last == UInt8(ascii: "\r") ? line.dropLast() : line[...])
        }
    }
}

/// Label-file rows by the file they name, resolved (symlinks, "./", "sub/../"), so that a file
/// named twice is listed once, with the first row's label; the later rows are reported.
struct RowsByFile {
    let file: String
    let root: RawPath
    private var first: [RawPath: (line: Int, path: RawPath, label: String)] = [:]

    init(file: String, root: RawPath) {
        self.file = (file as NSString).lastPathComponent
        self.root = root
    }

    /// nil when no earlier row named the file `rel` resolves to (this row is recorded), else
    /// the report line for this row. A missing file is compared by its path as written.
    mutating func claim(_ rel: RawPath, line: Int, label: String) -> String? {
        let full = root.appending(rel)
        let key = Directory.resolved(full) ?? full
        guard let earlier = first[key] else {
            first[key] = (line, rel, label)
            return nil
        }
        let spelled = earlier.path == rel ? "" : " (\(earlier.path))"
        let relabelled = earlier.label == label ? "" : ", labelled \(earlier.label) there, \(label) here"
        return "\(file) line \(line): \(rel) is the file of line \(earlier.line)\(spelled)\(relabelled): left out"
    }
}
