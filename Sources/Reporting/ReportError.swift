import Foundation

/// Errors for bad report input, bad baseline files and unwritable outputs. Each message
/// names the field or file and says what to do.
public enum ReportError: Error, Equatable, CustomStringConvertible {
    /// A name in `where` (a table row, a baseline field) is not a model of the report.
    case unknownModel(name: String, where: String, known: [String])
    /// A field holds a value the report cannot use.
    case invalidInput(field: String, problem: String)
    /// Pixels, grid or selection of an overlay do not fit together.
    case invalidImage(String)
    /// A baseline file cannot be read or decoded.
    case baselineFile(path: String, problem: String)
    case cannotWrite(path: String, problem: String)

    public var description: String {
        switch self {
        case let .unknownModel(name, place, known):
            return "\(place): no model row named '\(name)' (rows: \(known.joined(separator: ", "))); fix the name in the suite"
        case let .invalidInput(field, problem):
            return "\(field): \(problem)"
        case let .invalidImage(problem):
            return "overlay: \(problem)"
        case let .baselineFile(path, problem):
            return "baseline \(path): \(problem); regenerate it with `repro check --update`"
        case let .cannotWrite(path, problem):
            return "cannot write \(path): \(problem)"
        }
    }
}

extension SuiteReport {
    /// Checks the references and shapes the renderers rely on, so that they never index out
    /// of range or silently drop a row.
    public func validate() throws {
        let names = models.map(\.name)
        var seen = Set<String>()
        for (i, m) in models.enumerated() {
            let field = "models[\(i)] (\(m.name))"
            guard seen.insert(m.name).inserted else {
                throw ReportError.invalidInput(field: field, problem: "duplicate model row name")
            }
            guard !m.stages.isEmpty else {
                throw ReportError.invalidInput(field: field + ".stages", problem: "a model has at least one stage")
            }
            if !m.isTwoStage && (m.sweep.count != 1 || m.sweep[0].eta != nil) {
                throw ReportError.invalidInput(field: field + ".sweep",
                                               problem: "a single-stage model has exactly one point with no eta")
            }
            for (j, p) in m.sweep.enumerated() {
                if p.stages.count != m.stages.count {
                    throw ReportError.invalidInput(field: field + ".sweep[\(j)].stages",
                                                   problem: "\(p.stages.count) entries for a \(m.stages.count)-stage model")
                }
                if m.isTwoStage && p.eta == nil {
                    throw ReportError.invalidInput(field: field + ".sweep[\(j)].eta", problem: "a two-stage sweep point needs its eta")
                }
            }
            if let b = m.baseline, !names.contains(b) {
                throw ReportError.unknownModel(name: b, where: field + ".baseline", known: names)
            }
        }
        if let t1 = table1 {
            for (i, row) in t1.rows.enumerated() {
                guard let m = model(named: row.model) else {
                    throw ReportError.unknownModel(name: row.model, where: "table1.rows[\(i)]", known: names)
                }
                if let s = row.stage, !(1...m.stages.count).contains(s) {
                    throw ReportError.invalidInput(field: "table1.rows[\(i)].stage",
                                                   problem: "stage \(s) of a \(m.stages.count)-stage model")
                }
            }
        }
        var ids = Set(["index", "table1", "table2", "exits", "throughput", "sweep", "samples"])
        for (i, t) in tables.enumerated() {
            let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
            guard !t.id.isEmpty, t.id.allSatisfy(allowed.contains), !t.id.hasPrefix(".") else {
                throw ReportError.invalidInput(field: "tables[\(i)].id",
                                               problem: "'\(t.id)' is not a file stem (use letters, digits, '.', '-', '_')")
            }
            guard ids.insert(t.id).inserted else {
                throw ReportError.invalidInput(field: "tables[\(i)].id", problem: "'\(t.id)' is used twice or names a built-in document")
            }
            guard !t.columns.isEmpty else {
                throw ReportError.invalidInput(field: "tables[\(i)].columns", problem: "no columns")
            }
            for (j, row) in t.rows.enumerated() where model(named: row.model) == nil {
                throw ReportError.unknownModel(name: row.model, where: "tables[\(i)] (\(t.id)).rows[\(j)]", known: names)
            }
        }
    }
}
