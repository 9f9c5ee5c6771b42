import Foundation

/// CF-ViT Table 1: top-1 and GFLOPs of whole models or single stages side by side — the
/// full-resolution model against the 7×7 stage 1 of a two-stage model (every image through
/// that stage, early exit off).
public enum Table1 {
    public static let csvColumns = [
        "label", "model", "variant", "stage", "tokens", "top1", "top1_err", "top5", "top5_err",
        "top1_ci_low", "top1_ci_high", "gflops", "n_images", "paper_top1", "paper_gflops", "paper_source",
        "weights_sha256", "git_rev",
    ]

    public static func render(_ spec: Table1Spec, report: SuiteReport) throws -> ReportTable {
        let index = report.paperIndex
        var rows: [(Table1Row, ModelResult, Int)] = []
        for (i, row) in spec.rows.enumerated() {
            guard let m = report.model(named: row.model) else {
                throw ReportError.unknownModel(name: row.model, where: "table1.rows[\(i)]", known: report.models.map(\.name))
            }
            let stage = row.stage ?? m.stages.count
            guard (1...m.stages.count).contains(stage) else {
                throw ReportError.invalidInput(field: "table1.rows[\(i)].stage", problem: "stage \(stage) of a \(m.stages.count)-stage model")
            }
            rows.append((row, m, stage))
        }
        // Which paper numbers describe (model, stage): a plain model's own; a stage's stage numbers.
        func paper(_ m: ModelResult, _ stage: Int, accuracy: Bool) -> (value: Double, source: String)? {
            let metric: PaperMetric
            if !m.isTwoStage {
                metric = accuracy ? .top1 : .gflops
            } else if stage == 1 {
                metric = accuracy ? .stage1Top1 : .stage1GFLOPs
            } else {
                metric = accuracy ? .stage2Top1 : .stage2GFLOPs
            }
            return index.value(metric, model: m.name, eta: nil)
        }
        let paperTop1 = rows.contains { paper($0.1, $0.2, accuracy: true) != nil }
        let paperGFLOPs = rows.contains { paper($0.1, $0.2, accuracy: false) != nil }
        var headers = ["Model", "Tokens", "Top-1 (%)", "95% CI"]
        if paperTop1 { headers.append("Top-1 " + report.paperLabel) }
        headers.append("GFLOPs")
        if paperGFLOPs { headers.append("GFLOPs " + report.paperLabel) }
        var table = MarkdownTable(headers: headers,
                                  alignments: [.left] + Array(repeating: .right, count: headers.count - 1))
        var csv = CSVTable(comments: report.provenance.csvComments() + ["Table 1: models and single stages, early exit off"],
                           columns: csvColumns)
        var sources = PaperSources()
        for (row, m, stage) in rows {
            let s = m.stages[stage - 1]
            let label = row.label ?? (m.isTwoStage ? "\(m.displayName), stage \(stage)" : m.displayName)
            let tokens = s.gridSide.map { "\($0)×\($0)" } ?? Cell.missing
            let acc = Accuracy(correct: s.top1Correct, images: s.images)
            var cells = [label, tokens, Cell.percent(acc.percent), acc.interval.percentText()]
            let p1 = paper(m, stage, accuracy: true), pg = paper(m, stage, accuracy: false)
            if paperTop1 { cells.append(p1.map { sources.note($0.source); return Cell.paper($0.value) } ?? Cell.missing) }
            cells.append(Cell.gflops(s.gflops))
            if paperGFLOPs { cells.append(pg.map { sources.note($0.source); return Cell.paper($0.value) } ?? Cell.missing) }
            table.append(cells)
            let pct = { (c: Int) in Fixed.string(Fixed.percent(c, of: s.images), 3) }
            var rowSources = PaperSources()
            for source in [p1?.source, pg?.source].compactMap({ $0 }) { rowSources.note(source) }
            csv.append([label, m.name, m.variant, String(stage), s.gridSide.map { "\($0)x\($0)" } ?? "",
                        pct(s.top1Correct), pct(s.images - s.top1Correct), pct(s.top5Correct), pct(s.images - s.top5Correct),
                        Fixed.string(100 * acc.interval.lower, 3), Fixed.string(100 * acc.interval.upper, 3),
                        Fixed.string(s.gflops, 4), String(s.images),
                        p1.map { Cell.paper($0.value) } ?? "", pg.map { Cell.paper($0.value) } ?? "",
                        rowSources.sources.joined(separator: "; "),
                        m.weightsSHA256 ?? "", m.gitRevision ?? report.provenance.gitRevision])
        }
        var notes = [
            "Each row runs every image through the named stage (early exit off); GFLOPs are the cumulative cost of stopping there (fvcore convention). 95% CI: Wilson score interval.",
        ]
        if let note = spec.note { notes.insert(note, at: 0) }
        if let line = sources.line(label: report.paperLabel) { notes.append(line) }
        return ReportTable(id: "table1", title: spec.title ?? "Table 1: full resolution against the coarse stage",
                           table: table, notes: notes, csv: csv)
    }

    /// The default rows: each baseline of a two-stage model, then that model's stage 1 and last stage.
    public static func defaultSpec(_ report: SuiteReport) -> Table1Spec? {
        guard let two = report.models.first(where: { $0.isTwoStage && $0.variant.isEmpty })
                ?? report.models.first(where: \.isTwoStage) else { return nil }
        var rows: [Table1Row] = []
        if let b = two.baseline, report.model(named: b) != nil { rows.append(Table1Row(model: b)) }
        rows.append(Table1Row(model: two.name, stage: 1))
        rows.append(Table1Row(model: two.name, stage: two.stages.count))
        return Table1Spec(rows: rows)
    }
}
