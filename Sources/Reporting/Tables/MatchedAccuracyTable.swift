import Domain
import Foundation

/// The operating point where a two-stage model first matches its baseline: for each model with
/// a baseline and each criterion (top-1 ≥ the baseline's; top-1 inside the baseline's 95%
/// interval), the smallest η of the 0.01 sweep grid, with its FLOPs, the reduction, the paired
/// test there and, when the throughput mode timed that η, the measured speed-up. The rule is
/// Common's `MatchedAccuracy`, the same the store's `matched_accuracy` view applies.
public enum MatchedAccuracyTable {
    public struct Row: Equatable {
        public var model: ModelResult
        public var baseline: ModelResult
        public var criterion: MatchedAccuracy.Criterion
        /// nil: no point of the sweep qualifies.
        public var eta: Double?
        public var point: SweepPointResult?
        public var basePoint: SweepPointResult
        public var throughput: ThroughputResult?
        public var baseThroughput: ThroughputResult?
        public var paired: PairedPoint?

        /// FLOPs reduction against the baseline, in percent.
        public var flopsReduction: Double? {
            guard let p = point, basePoint.gflops > 0 else { return nil }
            return 100 * (1 - p.gflops / basePoint.gflops)
        }

        public var speedup: Double? {
            guard let t = throughput, let b = baseThroughput, b.imagesPerSecond > 0 else { return nil }
            return t.imagesPerSecond / b.imagesPerSecond
        }
    }

    public static let csvColumns = [
        "model", "baseline", "criterion", "eta", "n_images", "top1", "top1_ci_low", "top1_ci_high",
        "baseline_top1", "baseline_top1_ci_low", "baseline_top1_ci_high", "delta_top1", "delta_ci_low",
        "delta_ci_high", "mcnemar_p", "gflops", "baseline_gflops", "flops_reduction_pct", "throughput",
        "baseline_throughput", "speedup", "git_rev",
    ]

    /// Rows in suite order, two per two-stage model with a baseline in the report.
    public static func rows(_ report: SuiteReport) -> [Row] {
        var rows: [Row] = []
        for m in report.models where m.isTwoStage {
            guard let b = m.baseline.flatMap({ report.model(named: $0) }), let bp = b.referencePoint else { continue }
            let curve = m.sweep.compactMap { p in
                p.eta.map { MatchedAccuracy.Point(eta: $0, correct: p.top1Correct, images: p.images) }
            }
            for criterion in MatchedAccuracy.Criterion.allCases {
                let eta = MatchedAccuracy.smallestEta(curve, baselineCorrect: bp.top1Correct, baselineImages: bp.images,
                                                      criterion: criterion)
                rows.append(Row(
                    model: m, baseline: b, criterion: criterion, eta: eta, point: eta.flatMap { m.point(at: $0) },
                    basePoint: bp,
                    throughput: eta.flatMap { m.throughput(at: $0, setting: report.throughputSetting) },
                    baseThroughput: eta.flatMap { b.throughput(at: b.isTwoStage ? $0 : nil, setting: report.throughputSetting) },
                    paired: eta.flatMap { m.paired(against: b.name)?.point(at: $0) }))
            }
        }
        return rows
    }

    static func criterionText(_ c: MatchedAccuracy.Criterion) -> String {
        switch c {
        case .atLeastBaseline: return "top-1 ≥ baseline"
        case .withinBaselineInterval: return "inside baseline's 95% CI"
        }
    }

    public static func render(_ report: SuiteReport) -> ReportTable {
        let headers = ["Model", "Baseline", "Criterion", "η", "Top-1 (%)", "Baseline top-1 (%)", "Δ (pp) [paired 95% CI]",
                       "McNemar p", "GFLOPs", "FLOPs reduction", "Throughput (img/s)", "Speed-up"]
        var table = MarkdownTable(headers: headers, alignments: [.left, .left, .left] + Array(repeating: .right, count: 9))
        var csv = CSVTable(comments: report.provenance.csvComments() + ["matched-accuracy operating points"],
                           columns: csvColumns)
        let rows = rows(report)
        for r in rows {
            let base = Accuracy(correct: r.basePoint.top1Correct, images: r.basePoint.images)
            let baseText = Cell.percent(base.percent) + " " + base.interval.percentText()
            guard let eta = r.eta, let p = r.point else {
                table.append([r.model.displayName, r.baseline.displayName, criterionText(r.criterion), "none on the sweep",
                              Cell.missing, baseText] + Array(repeating: Cell.missing, count: 6))
                csv.append([r.model.name, r.baseline.name, r.criterion.rawValue] + Array(repeating: "", count: csvColumns.count - 4)
                           + [r.model.gitRevision ?? report.provenance.gitRevision])
                continue
            }
            let acc = Accuracy(correct: p.top1Correct, images: p.images)
            table.append([r.model.displayName, r.baseline.displayName, criterionText(r.criterion), Cell.eta(eta),
                          Cell.percent(acc.percent) + " " + acc.interval.percentText(), baseText,
                          r.paired.map(Cell.pairedDelta) ?? Cell.delta(acc.percent - base.percent),
                          r.paired.map { Cell.pValue($0.mcnemarP) } ?? Cell.missing,
                          Cell.gflops(p.gflops), r.flopsReduction.map { "↓" + Fixed.string($0, 1) + "%" } ?? Cell.missing,
                          r.throughput.map { Cell.throughput($0.imagesPerSecond) } ?? "not timed",
                          r.speedup.map { Fixed.string($0, 2) + "×" } ?? Cell.missing])
            csv.append([r.model.name, r.baseline.name, r.criterion.rawValue, Fixed.string(eta, 2), String(p.images),
                        Fixed.string(acc.percent, 3), Fixed.string(100 * acc.interval.lower, 3), Fixed.string(100 * acc.interval.upper, 3),
                        Fixed.string(base.percent, 3), Fixed.string(100 * base.interval.lower, 3), Fixed.string(100 * base.interval.upper, 3),
                        r.paired.map { Fixed.string($0.deltaPoints, 3) } ?? "",
                        r.paired.map { Fixed.string(100 * $0.low, 3) } ?? "", r.paired.map { Fixed.string(100 * $0.high, 3) } ?? "",
                        r.paired.map { Cell.pValueCSV($0.mcnemarP) } ?? "",
                        Fixed.string(p.gflops, 4), Fixed.string(r.basePoint.gflops, 4),
                        r.flopsReduction.map { Fixed.string($0, 2) } ?? "",
                        r.throughput.map { Fixed.string($0.imagesPerSecond, 2) } ?? "",
                        r.baseThroughput.map { Fixed.string($0.imagesPerSecond, 2) } ?? "",
                        r.speedup.map { Fixed.string($0, 3) } ?? "", r.model.gitRevision ?? report.provenance.gitRevision])
        }
        var notes = [
            "η: the smallest η of the stored sweep (grid 0.00, 0.01, …, 1.00) at which the criterion holds; the curve need not stay above the baseline at larger η.",
            "Top-1 with its 95% Wilson interval; the baseline's point is its single-stage accuracy on the same images.",
            "Δ: top-1 minus the baseline's on the same images, with the paired bootstrap 95% interval; McNemar p: exact two-sided test on the discordant images.",
            "FLOPs reduction: expected GFLOPs at η against the baseline's. Speed-up: throughput-mode images/s at η over the baseline's (the throughput mode times every matched η; \"not timed\" when the store has no measurement there).",
        ]
        if let b = rows.compactMap({ $0.paired }).first {
            notes.append(PairedNote.line(resamples: b.resamples, seed: b.seed))
        }
        return ReportTable(id: "matched-accuracy", title: "Matched-accuracy operating points", table: table,
                           notes: notes, csv: csv)
    }
}

extension ModelResult {
    /// The point a comparison uses for this row as a reference: a single-stage row's only
    /// point, a two-stage row's largest-η point (the store's view takes the same).
    var referencePoint: SweepPointResult? { isTwoStage ? sweep.last : sweep.first }

    /// Paired statistics against `reference`, if recorded.
    func paired(against reference: String) -> PairedComparison? {
        paired.first { $0.reference == reference }
    }
}

/// The shared explanation of the paired columns.
enum PairedNote {
    static func line(resamples: Int, seed: UInt64) -> String {
        "Paired statistics on the images both rows evaluated: exact McNemar test (two-sided binomial on the discordant images) and a paired bootstrap 95% percentile interval of the top-1 difference (\(resamples) resamples of the images, SplitMix64 seed \(seed))."
    }
}

extension Cell {
    /// "+0.10 [-1.20, +1.40]" in percentage points.
    static func pairedDelta(_ p: PairedPoint) -> String {
        delta(p.deltaPoints) + " [" + Fixed.signed(100 * p.low, 2) + ", " + Fixed.signed(100 * p.high, 2) + "]"
    }

    /// Three decimals; below 0.001 as "< 0.001".
    static func pValue(_ p: Double) -> String {
        p < 0.0005 ? "< 0.001" : Fixed.string(p, 3)
    }

    /// The CSV keeps small p-values readable: 6 significant digits in exponent form.
    static func pValueCSV(_ p: Double) -> String {
        String(format: "%.6g", p)
    }
}
