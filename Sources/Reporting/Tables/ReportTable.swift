import Foundation

/// One rendered table: its Markdown form (with notes under it) and its CSV form.
public struct ReportTable: Equatable {
    /// File stem ("table2", "table4-region").
    public var id: String
    public var title: String
    public var table: MarkdownTable
    /// Lines printed under the table (units, what the arrows mean, where paper numbers come from).
    public var notes: [String]
    public var csv: CSVTable
    /// A paragraph printed between the heading and the table (nil: none).
    public var intro: String?

    public init(id: String, title: String, table: MarkdownTable, notes: [String], csv: CSVTable, intro: String? = nil) {
        self.id = id
        self.title = title
        self.table = table
        self.notes = notes
        self.csv = csv
        self.intro = intro
    }

    /// The table and its notes, under a heading of the given level.
    public func markdownSection(level: Int = 2) -> String {
        String(repeating: "#", count: level) + " " + title + "\n\n" + body()
    }

    /// A standalone document: title, provenance block, table, notes.
    public func markdownDocument(_ provenance: ReportProvenance) -> String {
        "# " + title + "\n\n" + provenance.markdown() + body()
    }

    private func body() -> String {
        var out = intro.map { $0 + "\n\n" } ?? ""
        out += table.render()
        if !notes.isEmpty {
            out += "\n" + notes.map { "- " + $0 + "\n" }.joined()
        }
        return out
    }
}

/// Source lines for the paper numbers shown in a table, in first-use order.
struct PaperSources {
    private(set) var sources: [String] = []

    mutating func note(_ source: String) {
        if !sources.contains(source) { sources.append(source) }
    }

    func line(label: String) -> String? {
        guard !sources.isEmpty else { return nil }
        return "\(label): numbers published in " + sources.joined(separator: "; ")
            + "; measured on other data and hardware, shown for comparison only."
    }
}
