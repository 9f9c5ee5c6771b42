import Foundation

/// A CSV document: `#`-comment lines (the provenance header), one header row, data rows.
/// RFC 4180 quoting (a field with a comma, quote, CR or LF is quoted, quotes doubled); "\n"
/// line ends. Readers: `pandas.read_csv(path, comment="#")`, or `grep -v '^#'` first.
public struct CSVTable: Equatable {
    public var comments: [String]
    public var columns: [String]
    public var rows: [[String]]

    public init(comments: [String] = [], columns: [String], rows: [[String]] = []) {
        self.comments = comments
        self.columns = columns
        self.rows = rows
    }

    public mutating func append(_ row: [String]) { rows.append(row) }

    public func render() -> String {
        var out = ""
        for comment in comments {
            // A comment line is one line: fold any newline in it.
            let line = comment.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ")
            out += line.isEmpty ? "#\n" : "# " + line + "\n"
        }
        out += columns.map(Self.field).joined(separator: ",") + "\n"
        for row in rows {
            out += row.map(Self.field).joined(separator: ",") + "\n"
        }
        return out
    }

    static func field(_ text: String) -> String {
        let needsQuotes = text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            || text.hasPrefix("#")
        guard needsQuotes else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
