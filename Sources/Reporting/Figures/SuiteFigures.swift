import Foundation

/// The suite's figures: accuracy against GFLOPs (CF-ViT Fig. 5 / LF-ViT Fig. 4) and the
/// stage-1 exit share against η.
public enum SuiteFigures {
    /// Top-1 against expected FLOPs as a share of the baseline's (so that the bundled models
    /// and the papers' ImageNet numbers share one axis), with Δ top-1 against the baseline on a
    /// second panel. Each two-stage model is a curve over the η sweep (dots and η labels at its
    /// reported η, paired 95% intervals on the Δ panel), each single-stage model a square, the
    /// paper's points hollow diamonds (an official η sweep hollow triangles), and a curve the
    /// checkpoint file carries a dotted line labelled as the checkpoint's. The FLOPs axis starts
    /// at 0.
    public static func accuracyVsFLOPsShare(_ report: SuiteReport) -> StackedChart {
        let index = report.paperIndex
        var top: [Chart.Series] = [], delta: [Chart.Series] = []
        var maxShare = 100.0
        var allBaselines = true
        for (i, m) in report.models.enumerated() {
            // Without a baseline row (an ablation suite), a row is measured against its main row
            // (or itself) at its largest η: the full two-stage cost and accuracy.
            let base = resolvedBaseline(m, report)
            let reference = base ?? (m.variant.isEmpty ? nil : report.model(named: m.variant)) ?? (m.isTwoStage ? m : nil)
            if base == nil && m.isTwoStage { allBaselines = false }
            guard let refG = (reference?.referencePoint?.gflops ?? m.sweep.first?.gflops), refG > 0 else { continue }
            let baseTop1 = reference?.referencePoint.map { Fixed.percent($0.top1Correct, of: $0.images) }
            func share(_ g: Double) -> Double { 100 * g / refG }
            if m.isTwoStage {
                let points = m.sweep.filter { $0.images > 0 && $0.eta != nil }
                var indices: [Int] = [], labels: [Int: String] = [:], bars: [Int: ClosedRange<Double>] = [:]
                for eta in report.reportedEtas(of: m).compactMap({ $0 }) {
                    guard let k = points.firstIndex(where: { etaMatches($0.eta, eta) }) else { continue }
                    indices.append(k)
                    labels[k] = "η " + Fixed.string(eta, 2)
                    if let b = base, let pp = m.paired(against: b.name)?.point(at: eta) { bars[k] = (100 * pp.low)...(100 * pp.high) }
                }
                let xs = points.map { share($0.gflops) }
                maxShare = max(maxShare, xs.max() ?? 0)
                let ys = points.map { Fixed.percent($0.top1Correct, of: $0.images) }
                top.append(Chart.Series(name: m.displayName, points: Array(zip(xs, ys)).map { ($0, $1) }, line: true,
                                        marker: .circle, markerIndices: indices, color: i, labels: labels, kind: "curve"))
                if let bt = baseTop1 {
                    delta.append(Chart.Series(name: m.displayName, points: Array(zip(xs, ys)).map { ($0, $1 - bt) }, line: true,
                                              marker: .circle, markerIndices: indices, color: i, kind: "curve", errorBars: bars))
                }
            } else if let p = m.sweep.first {
                let x = share(p.gflops), y = Fixed.percent(p.top1Correct, of: p.images)
                maxShare = max(maxShare, x)
                top.append(Chart.Series(name: m.displayName, points: [(x, y)], line: false, marker: .square, color: i, kind: "baseline"))
                if let bt = baseTop1 {
                    let bars = base.flatMap { m.paired(against: $0.name)?.point(at: nil) }.map { [0: (100 * $0.low)...(100 * $0.high)] } ?? [:]
                    delta.append(Chart.Series(name: m.displayName, points: [(x, y - bt)], line: false, marker: .square, color: i,
                                              kind: "baseline", errorBars: bars))
                }
            }
            // The paper's numbers, each source its own series, as a share of the paper's baseline.
            let paperBase = base.map { $0.name } ?? m.name
            if let pg = index.value(.gflops, model: paperBase, eta: nil)?.value, pg > 0 {
                let pt = index.value(.top1, model: paperBase, eta: nil)?.value
                let published = report.paper.filter { $0.model == m.name && $0.top1 != nil && $0.gflops != nil }
                var sources: [String] = []
                for p in published where !sources.contains(p.source) { sources.append(p.source) }
                for source in sources {
                    let ps = published.filter { $0.source == source }.sorted { ($0.gflops!, $0.eta ?? -1) < ($1.gflops!, $1.eta ?? -1) }
                    let sweep = ps.count > 4
                    let xs = ps.map { 100 * $0.gflops! / pg }
                    maxShare = max(maxShare, xs.max() ?? 0)
                    var labels: [Int: String] = [:]
                    if !sweep { for (k, p) in ps.enumerated() { if let e = p.eta { labels[k] = "η " + Fixed.string(e, 2) } } }
                    let name = m.displayName + " — " + (sweep ? "official η sweep: " : "paper: ") + source
                    top.append(Chart.Series(name: name, points: zip(xs, ps).map { ($0, $1.top1!) }, line: ps.count > 1,
                                            marker: sweep ? .triangle : .diamond, hollow: true, dashed: true, color: i,
                                            labels: labels, kind: "paper"))
                    if let pt, base != nil {
                        delta.append(Chart.Series(name: name, points: zip(xs, ps).map { ($0, $1.top1! - pt) }, line: ps.count > 1,
                                                  marker: sweep ? .triangle : .diamond, hollow: true, dashed: true, color: i, kind: "paper"))
                    }
                }
            }
            // A curve the checkpoint carries: the authors' own evaluation of this file.
            for curve in m.checkpointCurves {
                let ps = curve.points.filter { $0.gflops != nil }
                guard !ps.isEmpty else { continue }
                let xs = ps.map { share($0.gflops!) }
                maxShare = max(maxShare, xs.max() ?? 0)
                let budgeted = curve.name == "budgeted_batch_classification"
                let name = m.displayName + " — from the checkpoint (" + curve.name + ")"
                top.append(Chart.Series(name: name, points: zip(xs, ps).map { ($0, $1.top1) }, line: budgeted,
                                        marker: budgeted ? .none : .triangle, hollow: true, dashed: true, color: i,
                                        kind: "checkpoint"))
                if let bt = baseTop1 {
                    delta.append(Chart.Series(name: name, points: zip(xs, ps).map { ($0, $1.top1 - bt) }, line: budgeted,
                                              marker: budgeted ? .none : .triangle, hollow: true, dashed: true, color: i,
                                              kind: "checkpoint"))
                }
            }
        }
        let upper = AxisTicks.nice(0, maxShare * 1.03).upper
        delta.insert(Chart.Series(name: "same top-1 as the baseline", points: [(0, 0), (upper, 0)], line: true, marker: .none,
                                  color: 7, kind: "reference", inLegend: false), at: 0)
        var accuracy = Chart(title: "", xLabel: "", yLabel: "Top-1 accuracy (%)", series: top)
        accuracy.plotHeight = 340
        let against = allBaselines ? "baseline" : "reference"
        var difference = Chart(title: "", xLabel: "", yLabel: "Δ top-1 vs \(against) (pp)", series: delta)
        difference.plotHeight = 200
        let xLabel = allBaselines
            ? "Expected FLOPs per image, % of the baseline's (fvcore convention; paper points: % of the paper's baseline)"
            : "Expected FLOPs per image, % of the reference's: the baseline row, else the main row at η = 1 (fvcore convention)"
        return StackedChart(title: "Top-1 against FLOPs as a share of the \(against)'s (\(report.provenance.suite))",
                            xLabel: xLabel, panels: [accuracy, difference], xRange: 0...upper)
    }

    /// The row a model's FLOPs and accuracy are measured against: its baseline, else its main
    /// row's baseline (an ablation variant), else nil (the model is a baseline itself).
    static func resolvedBaseline(_ m: ModelResult, _ report: SuiteReport) -> ModelResult? {
        if let b = m.baseline.flatMap({ report.model(named: $0) }) { return b }
        if !m.variant.isEmpty, let main = report.model(named: m.variant), let b = main.baseline.flatMap({ report.model(named: $0) }) {
            return b
        }
        return nil
    }

    /// Share of the images decided at stage 1, against η, for every two-stage model.
    public static func exitShareVsEta(_ report: SuiteReport) -> Chart {
        var series: [Chart.Series] = []
        for (i, m) in report.models.enumerated() where m.isTwoStage {
            let points = m.sweep.filter { $0.eta != nil && $0.images > 0 }
            let reported = report.reportedEtas(of: m).compactMap { $0 }
            let indices = reported.compactMap { eta in points.firstIndex { etaMatches($0.eta, eta) } }
            series.append(Chart.Series(name: m.displayName,
                                       points: points.map { ($0.eta!, 100 * $0.stage1ExitShare) },
                                       line: true, marker: .circle, markerIndices: indices, color: i, kind: "curve"))
        }
        return Chart(title: "Images decided at stage 1 against η (\(report.provenance.suite))",
                     xLabel: "η (exit at stage 1 when the max softmax ≥ η)", yLabel: "Decided at stage 1 (%)",
                     series: series, xRange: 0...1, yRange: 0...100)
    }
}
