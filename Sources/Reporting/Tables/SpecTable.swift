import Domain
import Foundation

/// Renders a `TableSpec` (ablation tables and other suite-defined comparisons).
public enum SpecTable {
    public static func render(_ spec: TableSpec, report: SuiteReport) throws -> ReportTable {
        var resolved: [(row: TableRowSpec, model: ModelResult, eta: Double?)] = []
        for (j, row) in spec.rows.enumerated() {
            guard let m = report.model(named: row.model) else {
                throw ReportError.unknownModel(name: row.model, where: "table \(spec.id) rows[\(j)]",
                                               known: report.models.map(\.name))
            }
            resolved.append((row, m, m.isTwoStage ? (row.eta ?? spec.eta ?? 1.0) : nil))
        }
        let index = report.paperIndex
        let showPaper = spec.paper ?? true
        func paper(_ metric: PaperMetric, _ m: ModelResult, _ eta: Double?) -> (value: Double, source: String)? {
            guard showPaper else { return nil }
            return index.value(metric, model: m.name, eta: eta)
        }
        let usesEta = spec.columns.contains { $0.dependsOnEta }

        var headers = ["Model"]
        var align: [MarkdownTable.Alignment] = [.left]
        if usesEta { headers.append("η"); align.append(.right) }
        var paperColumns = Set<TableColumn>()
        for column in spec.columns {
            headers.append(column.header); align.append(.right)
            if column.isAccuracy { headers.append("95% CI"); align.append(.right) }
            if let metric = column.paperMetric, resolved.contains(where: { paper(metric, $0.model, $0.eta) != nil }) {
                paperColumns.insert(column)
                headers.append(column.header.replacingOccurrences(of: " (%)", with: "") + " " + report.paperLabel)
                align.append(.right)
            }
        }

        // A variant against the row it varies, on the same images at the row's η.
        func variantPair(_ m: ModelResult, _ eta: Double?) -> (main: ModelResult, point: PairedPoint)? {
            guard !m.variant.isEmpty, let main = report.model(named: m.variant),
                  let p = m.paired(against: main.name)?.point(at: eta) else { return nil }
            return (main, p)
        }
        let showPaired = resolved.contains { variantPair($0.model, $0.eta) != nil }
        if showPaired {
            headers += ["Δ top-1 vs main row (pp) [paired 95% CI]", "McNemar p"]
            align += [.right, .right]
        }

        var table = MarkdownTable(headers: headers, alignments: align)
        var sources = PaperSources()
        var csv = CSVTable(comments: report.provenance.csvComments() + [spec.title], columns: ["label"] + ResultCSV.columns)
        var pairedStat: PairedPoint?
        for (row, m, eta) in resolved {
            csv.append([row.label ?? m.displayName] + ResultCSV.row(report, m, eta: eta, paper: showPaper))
            var cells = [row.label ?? m.displayName]
            if usesEta { cells.append(Cell.eta(eta)) }
            for column in spec.columns {
                let (value, accuracy) = measured(column, m, eta, report)
                cells.append(value)
                if column.isAccuracy { cells.append(accuracy?.interval.percentText() ?? Cell.missing) }
                if paperColumns.contains(column), let metric = column.paperMetric {
                    if let (v, source) = paper(metric, m, eta) {
                        sources.note(source)
                        cells.append(Cell.paper(v, metric))
                    } else {
                        cells.append(Cell.missing)
                    }
                }
            }
            if showPaired {
                if let (_, p) = variantPair(m, eta) {
                    cells += [Cell.pairedDelta(p), Cell.pValue(p.mcnemarP)]
                    pairedStat = pairedStat ?? p
                } else {
                    cells += [Cell.missing, Cell.missing]
                }
            }
            table.append(cells)
        }
        var notes: [String] = []
        if let note = spec.note { notes.append(note) }
        if let p = pairedStat {
            notes.append("Δ top-1 vs main row: a variant's top-1 with early exit at the row's η minus that of the row it varies, on the same images. "
                + PairedNote.line(resamples: p.resamples, seed: p.seed))
        }
        if spec.columns.contains(where: \.isAccuracy) {
            notes.append("Accuracies in %; 95% CI: Wilson score interval. Stage-1 / stage-2 top-1: every image through that stage (early exit off).")
        }
        if let line = sources.line(label: report.paperLabel) { notes.append(line) }
        return ReportTable(id: spec.id, title: spec.title, table: table, notes: notes, csv: csv)
    }

    /// The cell text of a measured column and, for accuracies, the counts behind it.
    static func measured(_ column: TableColumn, _ m: ModelResult, _ eta: Double?,
                         _ report: SuiteReport) -> (String, Accuracy?) {
        let point = m.point(at: eta)
        func acc(_ a: Accuracy?) -> (String, Accuracy?) {
            guard let a else { return (Cell.missing, nil) }
            return (Cell.percent(a.percent), a)
        }
        switch column {
        case .stage1Top1:
            return acc(m.stageAccuracy(0))
        case .stage2Top1:
            return acc(m.isTwoStage ? m.stageAccuracy(m.stages.count - 1) : nil)
        case .top1:
            return acc(point.map { Accuracy(correct: $0.top1Correct, images: $0.images) })
        case .top5:
            return acc(point.map { Accuracy(correct: $0.top5Correct, images: $0.images) })
        case .gflops:
            return (point.map { Cell.gflops($0.gflops) } ?? Cell.missing, nil)
        case .stage1GFLOPs:
            return (Cell.gflops(m.stages[0].gflops), nil)
        case .stage2GFLOPs:
            return (m.isTwoStage ? Cell.gflops(m.stages[m.stages.count - 1].gflops) : Cell.missing, nil)
        case .exitShare:
            return (point.map { Fixed.string(100 * $0.stage1ExitShare, 1) } ?? Cell.missing, nil)
        case .throughput:
            return (m.throughput(at: eta, setting: report.throughputSetting).map { Cell.throughput($0.imagesPerSecond) }
                    ?? Cell.missing, nil)
        case .images:
            return (point.map { String($0.images) } ?? String(m.stages[0].images), nil)
        case .params:
            return (m.paramCount.map { Fixed.string(Double($0) / 1e6, 2) } ?? Cell.missing, nil)
        }
    }
}
