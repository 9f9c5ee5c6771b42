import Domain
import Foundation
import PNGFile

/// One image for the samples page (CF-ViT Fig. 9 / LF-ViT Fig. 1): the decoded (cropped)
/// image, what stage 2 refined on it, and a caption the caller writes (path, label,
/// prediction, exit stage — Reporting does not know class names).
public struct OverlaySample: Equatable, Sendable {
    /// File stem of its PNG: letters, digits, ".", "-", "_".
    public var name: String
    public var caption: String
    public var image: RGBImage
    /// nil: draw the image as is.
    public var selection: RegionSelection?

    public init(name: String, caption: String, image: RGBImage, selection: RegionSelection?) {
        self.name = name
        self.caption = caption
        self.image = image
        self.selection = selection
    }
}

/// A generated file, relative to the report directory.
public struct ReportFile: Equatable {
    public enum Contents: Equatable {
        case text(String)
        case png(RGBImage)
    }

    public var path: String
    public var contents: Contents
}

/// All documents of one suite report, in memory: index.md, table2.md/.csv, table1.md/.csv
/// (when `table1` is set), one .md/.csv per `TableSpec`, exits.md/.csv, throughput.md/.csv
/// (when measured), sweep.csv, figures/*.svg and, with samples, samples.md and
/// figures/samples/*.png. Links between them are relative.
public enum ReportDocuments {
    public static let accuracyFigure = "figures/accuracy-gflops.svg"
    public static let exitShareFigure = "figures/exit-share.svg"

    public static func render(_ report: SuiteReport, samples: [OverlaySample] = [],
                              style: OverlayStyle = OverlayStyle()) throws -> [ReportFile] {
        try report.validate()
        let provenance = report.provenance
        var files: [ReportFile] = []
        var contents: [String] = []
        func addTable(_ t: ReportTable, _ extra: String = "") {
            files.append(ReportFile(path: t.id + ".md", contents: .text(t.markdownDocument(provenance) + extra)))
            files.append(ReportFile(path: t.id + ".csv", contents: .text(t.csv.render())))
            contents.append("- [\(t.title)](\(t.id).md) ([CSV](\(t.id).csv))")
        }
        let hasTwoStage = report.models.contains(where: \.isTwoStage)

        let table2 = Table2.render(report)
        addTable(table2, "\n![Top-1 against FLOPs as a share of the baseline's, and Δ top-1](\(accuracyFigure))\n" + table2Supplement(report))
        if !MatchedAccuracyTable.rows(report).isEmpty {
            let t = MatchedAccuracyTable.render(report)
            files.append(ReportFile(path: t.id + ".csv", contents: .text(t.csv.render())))
            contents.append("- [\(t.title)](table2.md) ([CSV](\(t.id).csv))")
        }
        if let t = ClaimsTable.render(report) {
            files.append(ReportFile(path: t.id + ".csv", contents: .text(t.csv.render())))
            contents.append("- [\(t.title)](table2.md) ([CSV](\(t.id).csv))")
        }
        if let spec = report.table1 { addTable(try Table1.render(spec, report: report)) }
        for spec in report.tables { addTable(try SpecTable.render(spec, report: report)) }
        if hasTwoStage {
            let text = "# Exit statistics per η\n\n" + provenance.markdown()
                + "![Images decided at stage 1 against η](\(exitShareFigure))\n\n" + ExitStatistics.markdown(report)
            files.append(ReportFile(path: "exits.md", contents: .text(text)))
            files.append(ReportFile(path: "exits.csv", contents: .text(ExitStatistics.csv(report).render())))
            contents.append("- [Exit statistics per η](exits.md) ([CSV](exits.csv))")
        }
        if report.models.contains(where: { !$0.throughput.isEmpty }) {
            addTable(ThroughputTable.render(report))
        }
        files.append(ReportFile(path: "sweep.csv", contents: .text(ResultCSV.sweep(report).render())))
        contents.append("- [Every sweep point of every model](sweep.csv) (CSV)")
        files.append(ReportFile(path: accuracyFigure, contents: .text(SuiteFigures.accuracyVsFLOPsShare(report).svg())))
        if hasTwoStage {
            files.append(ReportFile(path: exitShareFigure, contents: .text(SuiteFigures.exitShareVsEta(report).svg())))
        }
        if !samples.isEmpty {
            files += try sampleFiles(samples, provenance: provenance, style: style)
            contents.append("- [Sample overlays](samples.md)")
        }

        var index = "# " + (report.title ?? "Suite \(provenance.suite)") + "\n\n" + provenance.markdown()
        index += "## Contents\n\n" + contents.joined(separator: "\n") + "\n\n"
        index += "## Top-1 against FLOPs\n\n![Top-1 against FLOPs as a share of the baseline's, and Δ top-1](\(accuracyFigure))\n\n"
        index += table2.markdownSection(level: 2)
        if hasTwoStage {
            index += "\n## Images decided at stage 1\n\n![Images decided at stage 1 against η](\(exitShareFigure))\n"
        }
        files.insert(ReportFile(path: "index.md", contents: .text(index)), at: 0)
        return files
    }

    /// What follows Table 2 in its document: the matched-accuracy operating points and the
    /// claims table (each only when the suite has something to show).
    public static func table2Supplement(_ report: SuiteReport) -> String {
        var out = ""
        if !MatchedAccuracyTable.rows(report).isEmpty {
            out += "\n" + MatchedAccuracyTable.render(report).markdownSection(level: 2)
        }
        if let claims = ClaimsTable.render(report) {
            out += "\n" + claims.markdownSection(level: 2)
        }
        return out
    }

    static func sampleFiles(_ samples: [OverlaySample], provenance: ReportProvenance,
                            style: OverlayStyle) throws -> [ReportFile] {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        var names = Set<String>()
        var files: [ReportFile] = []
        var rendered: [RGBImage] = []
        var body = ""
        for s in samples {
            guard !s.name.isEmpty, s.name.allSatisfy(allowed.contains), !s.name.hasPrefix("."),
                  names.insert(s.name).inserted, s.name != "strip" else {
                throw ReportError.invalidInput(field: "samples '\(s.name)'", problem: "sample names must be distinct file stems (letters, digits, '.', '-', '_')")
            }
            let image = try s.selection.map { try RegionOverlay.render(s.image, selection: $0, style: style) } ?? s.image
            rendered.append(image)
            let path = "figures/samples/\(s.name).png"
            files.append(ReportFile(path: path, contents: .png(image)))
            body += "## " + MarkdownTable.escape(s.name) + "\n\n![\(MarkdownTable.escape(s.caption))](\(path))\n\n"
                + MarkdownTable.escape(s.caption) + "\n\n"
        }
        var text = "# Sample overlays\n\n" + provenance.markdown()
        text += "Unselected cells are greyed; the grid is the coarse stage's; an outlined square is LF-ViT's focus window. "
            + "An image decided at stage 1 shows only the grid.\n\n"
        if rendered.count > 1 {
            files.append(ReportFile(path: "figures/samples/strip.png", contents: .png(try RegionOverlay.strip(rendered))))
            text += "![All samples, left to right in the order below](figures/samples/strip.png)\n\n"
        }
        text += body
        return [ReportFile(path: "samples.md", contents: .text(text))] + files
    }
}

/// Writes a suite report to disk.
public enum ReportWriter {
    /// Renders `report` and writes every file under `directory` (created as needed); returns the
    /// written paths, relative to `directory`, in order. Files of earlier reports that this one
    /// does not produce are left alone.
    @discardableResult
    public static func write(_ report: SuiteReport, samples: [OverlaySample] = [], style: OverlayStyle = OverlayStyle(),
                             to directory: String) throws -> [String] {
        let files = try ReportDocuments.render(report, samples: samples, style: style)
        let fm = FileManager.default
        for file in files {
            let path = (directory as NSString).appendingPathComponent(file.path)
            let folder = (path as NSString).deletingLastPathComponent
            do {
                try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw ReportError.cannotWrite(path: folder, problem: error.localizedDescription)
            }
            switch file.contents {
            case let .text(text):
                do {
                    try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
                } catch {
                    throw ReportError.cannotWrite(path: path, problem: error.localizedDescription)
                }
            case let .png(image):
                do {
                    try image.writePNG(to: path)
                } catch {
                    throw ReportError.cannotWrite(path: path, problem: "\(error)")
                }
            }
        }
        return files.map(\.path)
    }
}
