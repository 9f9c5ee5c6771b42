import Foundation

/// The suite's figures: accuracy against GFLOPs (CF-ViT Fig. 5 / LF-ViT Fig. 4) and the
/// stage-1 exit share against η.
public enum SuiteFigures {
    /// Top-1 against expected GFLOPs: each two-stage model a curve over η (dots and η labels at
    /// its reported η values), each single-stage model a square, and declared paper points as
    /// hollow diamonds in the model's colour (dashed when there are several).
    public static func accuracyVsGFLOPs(_ report: SuiteReport) -> Chart {
        var series: [Chart.Series] = []
        for (i, m) in report.models.enumerated() {
            if m.isTwoStage {
                let points = m.sweep.filter { $0.images > 0 }
                let reported = report.reportedEtas(of: m).compactMap { $0 }
                var indices: [Int] = []
                var labels: [Int: String] = [:]
                for eta in reported {
                    if let k = points.firstIndex(where: { etaMatches($0.eta, eta) }) {
                        indices.append(k)
                        labels[k] = "η " + Fixed.string(eta, 2)
                    }
                }
                series.append(Chart.Series(
                    name: m.displayName,
                    points: points.map { ($0.gflops, Fixed.percent($0.top1Correct, of: $0.images)) },
                    line: true, marker: .circle, markerIndices: indices, color: i, labels: labels, kind: "curve"))
            } else if let p = m.sweep.first {
                series.append(Chart.Series(name: m.displayName,
                                           points: [(p.gflops, Fixed.percent(p.top1Correct, of: p.images))],
                                           line: false, marker: .square, color: i, kind: "baseline"))
            }
            let published = report.paper.filter { $0.model == m.name && $0.top1 != nil && $0.gflops != nil }
                .sorted { ($0.gflops!, $0.eta ?? -1) < ($1.gflops!, $1.eta ?? -1) }
            if !published.isEmpty {
                series.append(Chart.Series(name: m.displayName + " — " + report.paperLabel,
                                           points: published.map { ($0.gflops!, $0.top1!) },
                                           line: published.count > 1, marker: .diamond, hollow: true,
                                           dashed: true, color: i, kind: "paper"))
            }
        }
        return Chart(title: "Top-1 accuracy against GFLOPs (\(report.provenance.suite))",
                     xLabel: "GFLOPs per image (expected, fvcore convention)", yLabel: "Top-1 accuracy (%)",
                     series: series)
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
