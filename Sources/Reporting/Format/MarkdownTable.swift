import Foundation

/// A GitHub-flavoured Markdown table. Cells are plain text; pipes are escaped and newlines
/// folded so that a model name or a source note can never break the table.
public struct MarkdownTable: Equatable {
    public enum Alignment: Equatable { case left, right }

    public var headers: [String]
    public var alignments: [Alignment]
    public var rows: [[String]]

    public init(headers: [String], alignments: [Alignment]? = nil, rows: [[String]] = []) {
        self.headers = headers
        self.alignments = alignments ?? Array(repeating: .left, count: headers.count)
        self.rows = rows
    }

    public mutating func append(_ row: [String]) { rows.append(row) }

    /// The table text, one line per row, ending with a newline.
    public func render() -> String {
        var out = "| " + headers.map(Self.escape).joined(separator: " | ") + " |\n"
        out += "|" + alignments.map { $0 == .right ? " ---: " : " --- " }.joined(separator: "|") + "|\n"
        for row in rows {
            var cells = row.map(Self.escape)
            if cells.count < headers.count {
                cells += Array(repeating: "", count: headers.count - cells.count)
            }
            out += "| " + cells.joined(separator: " | ") + " |\n"
        }
        return out
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|")
            .replacingOccurrences(of: "\r\n", with: " ")
            .replacingOccurrences(of: "\n", with: " ")
    }
}

/// Inline Markdown helpers.
enum MD {
    /// `text` as inline code; backticks inside are replaced so the span cannot end early.
    static func code(_ text: String) -> String {
        "`" + text.replacingOccurrences(of: "`", with: "'") + "`"
    }
}
