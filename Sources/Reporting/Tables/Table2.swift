import Domain
import Foundation

/// Table 2 of CF-ViT in its own shape: each baseline row followed by the rows compared with
/// it, each at its reported η values; top-1 with Δ against the baseline, GFLOPs with the
/// reduction, throughput with the speed-up, the 95% interval of every accuracy, and the
/// paper's number beside each measured one where the suite declares it.
public enum Table2 {
    /// (model, η) in table order: a row with no baseline, then the rows whose baseline it is
    /// (recursively), in suite order.
    static func rowOrder(_ report: SuiteReport) -> [(ModelResult, Double?)] {
        var emitted = Set<String>()
        var order: [ModelResult] = []
        func emit(_ m: ModelResult) {
            guard emitted.insert(m.name).inserted else { return }
            order.append(m)
            for child in report.models where child.baseline == m.name { emit(child) }
        }
        for m in report.models where m.baseline == nil || report.model(named: m.baseline!) == nil {
            emit(m)
        }
        for m in report.models { emit(m) }  // rows caught in a baseline cycle
        return order.flatMap { m in report.reportedEtas(of: m).map { (m, $0) } }
    }

    public static func render(_ report: SuiteReport) -> ReportTable {
        let rows = rowOrder(report)
        let index = report.paperIndex
        func paper(_ metric: PaperMetric, _ m: ModelResult, _ eta: Double?) -> (value: Double, source: String)? {
            index.value(metric, model: m.name, eta: m.isTwoStage ? eta : nil)
        }
        let hasPaper = { (metric: PaperMetric) in rows.contains { paper(metric, $0.0, $0.1) != nil } }
        let paperTop1 = hasPaper(.top1), paperGFLOPs = hasPaper(.gflops), paperTP = hasPaper(.throughput)
        let showTP = paperTP || rows.contains { $0.0.throughput(at: $0.1, setting: report.throughputSetting) != nil }

        // Paired statistics against the row's baseline at the row's η, when recorded.
        func paired(_ m: ModelResult, _ eta: Double?) -> PairedPoint? {
            guard let b = m.baseline else { return nil }
            return m.paired(against: b)?.point(at: m.isTwoStage ? eta : nil)
        }
        let showPaired = rows.contains { paired($0.0, $0.1) != nil }
        var headers = ["Model", "η", "Top-1 (%)", "95% CI"]
        var align: [MarkdownTable.Alignment] = [.left, .right, .right, .right]
        if showPaired {
            headers += ["Δ paired 95% CI (pp)", "McNemar p"]
            align += [.right, .right]
        }
        if paperTop1 { headers.append("Top-1 " + report.paperLabel); align.append(.right) }
        headers.append("GFLOPs"); align.append(.right)
        if paperGFLOPs { headers.append("GFLOPs " + report.paperLabel); align.append(.right) }
        if showTP {
            headers.append("Throughput (img/s)"); align.append(.right)
            if paperTP { headers.append("Throughput " + report.paperLabel); align.append(.right) }
        }
        var table = MarkdownTable(headers: headers, alignments: align)
        var sources = PaperSources()
        var csv = CSVTable(comments: report.provenance.csvComments() + ["Table 2: each model at its reported eta values"],
                           columns: ResultCSV.columns)
        var settings: [String] = []
        var covers: [String] = []
        var pairedNote: String?

        for (m, eta) in rows {
            csv.append(ResultCSV.row(report, m, eta: eta))
            let base = m.baseline.flatMap { report.model(named: $0) }
            let point = m.point(at: eta)
            let basePoint = base.flatMap { b in b.point(at: b.isTwoStage ? eta : nil) }
            var cells = [m.displayName, Cell.eta(eta)]
            if let p = point {
                let acc = Accuracy(correct: p.top1Correct, images: p.images)
                var top1 = Cell.percent(acc.percent)
                if let bp = basePoint {
                    top1 += " (" + Cell.delta(acc.percent - Fixed.percent(bp.top1Correct, of: bp.images)) + ")"
                }
                cells += [top1, acc.interval.percentText()]
            } else {
                cells += [Cell.missing, Cell.missing]
            }
            if showPaired {
                if let pp = paired(m, eta) {
                    cells += ["[" + Fixed.signed(100 * pp.low, 2) + ", " + Fixed.signed(100 * pp.high, 2) + "]",
                              Cell.pValue(pp.mcnemarP)]
                    pairedNote = pairedNote ?? PairedNote.line(resamples: pp.resamples, seed: pp.seed)
                } else {
                    cells += [Cell.missing, Cell.missing]
                }
            }
            func paperCell(_ metric: PaperMetric) -> String {
                guard let (v, source) = paper(metric, m, eta) else { return Cell.missing }
                sources.note(source)
                return Cell.paper(v, metric)
            }
            if paperTop1 { cells.append(paperCell(.top1)) }
            if let p = point {
                var g = Cell.gflops(p.gflops)
                if let bp = basePoint { g += " (" + Cell.flopsChange(p.gflops, baseline: bp.gflops) + ")" }
                cells.append(g)
            } else {
                cells.append(Cell.missing)
            }
            if paperGFLOPs { cells.append(paperCell(.gflops)) }
            if showTP {
                if let t = m.throughput(at: eta, setting: report.throughputSetting) {
                    var text = Cell.throughput(t.imagesPerSecond)
                    if let b = base, let bt = b.throughput(at: b.isTwoStage ? eta : nil, setting: report.throughputSetting) {
                        text += " (" + Cell.speedup(t.imagesPerSecond, baseline: bt.imagesPerSecond) + ")"
                    }
                    cells.append(text)
                    let setting = "batch \(t.batchSize), \(t.threads) thread\(t.threads == 1 ? "" : "s")"
                    if !settings.contains(setting) { settings.append(setting) }
                    if let c = t.timerCovers, !covers.contains(c) { covers.append(c) }
                } else {
                    cells.append(Cell.missing)
                }
                if paperTP { cells.append(paperCell(.throughput)) }
            }
            table.append(cells)
        }

        let images = rows.compactMap { $0.0.point(at: $0.1)?.images }
        let counts = Array(Set(images)).sorted().map(String.init).joined(separator: ", ")
        var notes = [
            "Top-1 in % of \(counts.isEmpty ? "0" : counts) images; in parentheses the difference from the row's baseline in percentage points. 95% CI: Wilson score interval.",
            "GFLOPs: expected multiply-adds per image at η (fvcore convention); ↓ is the reduction against the baseline row.",
        ]
        if showTP {
            notes.append("Throughput: images/s in throughput mode (real batched early exit) on \(report.provenance.host); "
                + (settings.isEmpty ? "no measurement" : settings.joined(separator: "; "))
                + (covers.isEmpty ? "" : "; timer covers: " + Table2.mergeCovers(covers))
                + "; ↑ is the ratio to the baseline row.")
        }
        if let pairedNote {
            notes.append("Δ paired 95% CI: top-1 minus the baseline's on the same images. " + pairedNote
                         + " p < 0.05: the two rows differ in accuracy beyond chance on these images.")
        }
        if let line = sources.line(label: report.paperLabel) { notes.append(line) }
        return ReportTable(id: "table2", title: "Table 2: models against their baselines", table: table,
                           notes: notes, csv: csv)
    }
}

extension Table2 {
    /// The stored "timer covers" texts of a table's rows as one phrase: each is "; "-separated
    /// parts, and the parts every row shares ("decoding excluded", "median of 3 passes …") are
    /// said once, after the parts that differ.
    static func mergeCovers(_ covers: [String]) -> String {
        let parts = covers.map { $0.components(separatedBy: "; ") }
        guard let first = parts.first else { return "" }
        let shared = first.filter { p in parts.allSatisfy { $0.contains(p) } }
        var own: [String] = []
        for p in parts.flatMap({ $0 }) where !shared.contains(p) && !own.contains(p) { own.append(p) }
        return (own + shared).joined(separator: "; ")
    }
}
