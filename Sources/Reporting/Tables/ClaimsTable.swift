import Domain
import Foundation

/// The papers' claims (suite data) against the measurements: per claim the measured value,
/// its interval, a verdict and the evidence it rests on. On the bundled suite the data is
/// synthetic and the section says so: relative claims are tested on that task, absolute
/// ImageNet numbers are not measurable there.
public enum ClaimsTable {
    public enum Verdict: String, Equatable {
        case holds = "holds"
        case doesNotHold = "does not hold"
        case notMeasurable = "not measurable on this data"
    }

    public struct Result: Equatable {
        public var claim: Claim
        public var measured: Double?
        /// The measured value's interval in the claim's unit (paired bootstrap, Wilson, or for
        /// matched-accuracy quantities the value at the looser criterion).
        public var interval: (lower: Double, upper: Double)?
        public var verdict: Verdict
        public var evidence: String

        public static func == (a: Result, b: Result) -> Bool {
            a.claim == b.claim && a.measured == b.measured && a.interval?.lower == b.interval?.lower
                && a.interval?.upper == b.interval?.upper && a.verdict == b.verdict && a.evidence == b.evidence
        }
    }

    public static func evaluate(_ claim: Claim, in report: SuiteReport) -> Result {
        func result(_ v: Double?, _ i: (Double, Double)?, _ verdict: Verdict, _ evidence: String) -> Result {
            Result(claim: claim, measured: v, interval: i.map { (lower: $0.0, upper: $0.1) }, verdict: verdict, evidence: evidence)
        }
        guard let m = report.model(named: claim.model) else {
            return result(nil, nil, .notMeasurable, "row \(claim.model) has no complete run in the store")
        }
        if claim.quantity.isAbsolute && report.syntheticData {
            return result(nil, nil, .notMeasurable, "an ImageNet number; this data is synthetic")
        }
        let images = { (p: SweepPointResult) in "\(p.images) images" }
        // The only quantity that needs no baseline: the row's own top-1.
        if claim.quantity == .top1 {
            guard let p = m.point(at: claim.eta) else { return result(nil, nil, .notMeasurable, "no sweep point at η \(Cell.eta(claim.eta))") }
            let acc = Accuracy(correct: p.top1Correct, images: p.images)
            let ci = (100 * acc.interval.lower, 100 * acc.interval.upper)
            return result(acc.percent, ci, decide(claim, acc.percent, ci, pairedLow: nil),
                          "η \(Cell.eta(claim.eta)), \(images(p)), Wilson 95% interval")
        }
        guard let b = m.baseline.flatMap({ report.model(named: $0) }), let bp = b.referencePoint else {
            return result(nil, nil, .notMeasurable, "row \(m.name) has no baseline row in the store")
        }
        switch claim.quantity {
        case .top1, .top1Difference:
            guard let pp = m.paired(against: b.name)?.point(at: m.isTwoStage ? claim.eta : nil) else {
                return result(nil, nil, .notMeasurable, "no paired statistics at η \(Cell.eta(claim.eta))")
            }
            let ci = (100 * pp.low, 100 * pp.high)
            return result(pp.deltaPoints, ci, decide(claim, pp.deltaPoints, ci, pairedLow: ci.0),
                          "η \(Cell.eta(claim.eta)), \(pp.counts.images) images; \(pp.counts.onlyModelCorrect) right only here, \(pp.counts.onlyReferenceCorrect) only in the baseline; McNemar p \(Cell.pValue(pp.mcnemarP))")
        case .flopsReduction:
            guard let p = m.point(at: claim.eta), bp.gflops > 0 else { return result(nil, nil, .notMeasurable, "no sweep point at η \(Cell.eta(claim.eta))") }
            let v = 100 * (1 - p.gflops / bp.gflops)
            return result(v, nil, decide(claim, v, nil, pairedLow: nil),
                          "η \(Cell.eta(claim.eta)), \(images(p)); \(Cell.gflops(p.gflops)) vs \(Cell.gflops(bp.gflops)) GFLOPs (counted, not sampled)")
        case .speedup:
            guard let t = m.throughput(at: claim.eta, setting: report.throughputSetting),
                  let bt = b.throughput(at: b.isTwoStage ? claim.eta : nil, setting: report.throughputSetting), bt.imagesPerSecond > 0 else {
                return result(nil, nil, .notMeasurable, "no throughput measurement at η \(Cell.eta(claim.eta))")
            }
            let v = t.imagesPerSecond / bt.imagesPerSecond
            return result(v, nil, decide(claim, v, nil, pairedLow: nil),
                          "η \(Cell.eta(claim.eta)); \(Cell.throughput(t.imagesPerSecond)) vs \(Cell.throughput(bt.imagesPerSecond)) img/s, batch \(t.batchSize), one throughput run")
        case .flopsReductionAtMatchedAccuracy, .speedupAtMatchedAccuracy:
            let rows = MatchedAccuracyTable.rows(report).filter { $0.model.name == m.name }
            guard let strict = rows.first(where: { $0.criterion == .atLeastBaseline }) else {
                return result(nil, nil, .notMeasurable, "no matched-accuracy point")
            }
            let loose = rows.first { $0.criterion == .withinBaselineInterval }
            guard let eta = strict.eta, let p = strict.point else {
                return result(nil, nil, .doesNotHold, "top-1 never reaches the baseline's \(Cell.percent(Fixed.percent(bp.top1Correct, of: bp.images)))% on the sweep")
            }
            let delta = strict.paired.map { ", Δ " + Cell.pairedDelta($0) + " pp, McNemar p " + Cell.pValue($0.mcnemarP) } ?? ""
            let looseText = loose?.eta.map { "; inside the baseline's 95% CI from η " + Cell.eta($0) } ?? ""
            if claim.quantity == .flopsReductionAtMatchedAccuracy {
                let v = strict.flopsReduction!
                let range = loose?.flopsReduction.map { (min(v, $0), max(v, $0)) }
                return result(v, range, decide(claim, v, nil, pairedLow: nil),
                              "η \(Cell.eta(eta)) (smallest with top-1 ≥ baseline), \(images(p))\(delta)\(looseText)")
            }
            guard let v = strict.speedup else {
                return result(nil, nil, .notMeasurable, "no throughput measurement at η \(Cell.eta(eta)) (the matched η; run the throughput mode)")
            }
            let range = loose?.speedup.map { (min(v, $0), max(v, $0)) }
            return result(v, range, decide(claim, v, nil, pairedLow: nil),
                          "η \(Cell.eta(eta)) (smallest with top-1 ≥ baseline); \(Cell.throughput(strict.throughput!.imagesPerSecond)) vs \(Cell.throughput(strict.baseThroughput!.imagesPerSecond)) img/s, batch \(strict.throughput!.batchSize), one throughput run\(looseText)")
        }
    }

    /// The claim's test on a measured value (and, for accuracy differences, the lower bound of
    /// its paired interval).
    static func decide(_ claim: Claim, _ value: Double, _ interval: (Double, Double)?, pairedLow: Double?) -> Verdict {
        switch claim.test {
        case .atLeast:
            let significant = claim.paper > 0 ? (pairedLow.map { $0 > 0 } ?? true) : true
            return value >= claim.paper && significant ? .holds : .doesNotHold
        case .notWorse:
            guard let interval else { return value >= claim.paper ? .holds : .doesNotHold }
            return interval.1 >= 0 ? .holds : .doesNotHold
        case .withinInterval:
            guard let interval else { return .notMeasurable }
            return interval.0 <= claim.paper && claim.paper <= interval.1 ? .holds : .doesNotHold
        }
    }

    static func number(_ v: Double, _ q: ClaimQuantity) -> String {
        switch q {
        case .top1Difference: return Fixed.signed(v, 2) + " pp"
        case .speedup, .speedupAtMatchedAccuracy: return Fixed.string(v, 2) + "×"
        case .top1, .flopsReduction, .flopsReductionAtMatchedAccuracy: return Fixed.string(v, 1) + "%"
        }
    }

    static func paperNumber(_ claim: Claim) -> String {
        let text = Cell.paper(claim.paper, minDecimals: claim.quantity == .speedup || claim.quantity == .speedupAtMatchedAccuracy ? 2 : 1)
        switch claim.quantity {
        case .top1Difference: return (claim.paper >= 0 ? "+" : "") + text + " pp"
        case .speedup, .speedupAtMatchedAccuracy: return text + "×"
        default: return text + "%"
        }
    }

    static func quantityText(_ c: Claim) -> String {
        let eta = c.eta.map { " at η " + Cell.eta($0) } ?? ""
        switch c.quantity {
        case .top1: return "top-1" + eta
        case .top1Difference: return "Δ top-1 vs baseline" + eta
        case .flopsReduction: return "FLOPs reduction" + eta
        case .speedup: return "speed-up" + eta
        case .flopsReductionAtMatchedAccuracy: return "FLOPs reduction at matched top-1"
        case .speedupAtMatchedAccuracy: return "speed-up at matched top-1"
        }
    }

    static func testText(_ t: ClaimTest) -> String {
        switch t {
        case .atLeast: return "≥ paper"
        case .notWorse: return "not worse"
        case .withinInterval: return "paper inside CI"
        }
    }

    public static let csvColumns = ["claim", "model", "quantity", "eta", "paper", "test", "measured", "interval_low",
                                    "interval_high", "verdict", "evidence", "source"]

    /// The claims table; nil when the suite declares no claims.
    public static func render(_ report: SuiteReport) -> ReportTable? {
        guard !report.claims.isEmpty else { return nil }
        var table = MarkdownTable(headers: ["Claim", "Row", "Quantity", "Test", "Paper", "Measured", "Interval", "Verdict", "Evidence"],
                                  alignments: [.left, .left, .left, .left, .right, .right, .right, .left, .left])
        var csv = CSVTable(comments: report.provenance.csvComments() + ["the papers' claims against this data"
                                                                         + (report.syntheticData ? " (synthetic)" : "")],
                           columns: csvColumns)
        for claim in report.claims {
            let r = evaluate(claim, in: report)
            let label = report.model(named: claim.model)?.displayName ?? claim.model
            table.append(["“" + claim.text + "” (" + claim.source + ")", label, quantityText(claim), testText(claim.test),
                          paperNumber(claim), r.measured.map { number($0, claim.quantity) } ?? Cell.missing,
                          r.interval.map { "[" + number($0.lower, claim.quantity) + ", " + number($0.upper, claim.quantity) + "]" } ?? Cell.missing,
                          "**" + r.verdict.rawValue + "**", r.evidence])
            csv.append([claim.id, claim.model, claim.quantity.rawValue, claim.eta.map { Fixed.string($0, 2) } ?? "",
                        Cell.paper(claim.paper, minDecimals: 1), claim.test.rawValue, r.measured.map { Fixed.string($0, 4) } ?? "",
                        r.interval.map { Fixed.string($0.lower, 4) } ?? "", r.interval.map { Fixed.string($0.upper, 4) } ?? "",
                        r.verdict.rawValue, r.evidence, claim.source])
        }
        let intro = report.syntheticData
            ? "**The data is synthetic.** This suite evaluates the bundled task (\(report.provenance.datasetImages) generated images, small models trained on it), not ImageNet. Claims about the papers' absolute ImageNet numbers are not measurable here; the relative claims (against the baseline, on the same images) are tested on this task only and say nothing about ImageNet."
            : "Reproduction verdicts on \(report.provenance.datasetPath) (\(report.provenance.datasetImages) images)."
        let notes = [
            "Tests: ≥ paper — the measured value is at least the paper's (an accuracy gain must also have its paired 95% interval above 0); not worse — the paired 95% interval of Δ reaches 0 or above; paper inside CI — the paper's number lies in the measured 95% interval.",
            "Intervals: Δ top-1 — paired bootstrap; top-1 — Wilson; at matched top-1 — the value at the smallest η with top-1 ≥ the baseline's to the value at the smallest η inside the baseline's 95% interval. FLOPs are counted (no sampling error); throughput comes from one throughput run on this machine (each point the median of its passes, no interval), so a speed-up verdict is only as good as that run (on a busy machine rerun `repro run --mode throughput` when it is idle).",
        ]
        return ReportTable(id: "claims", title: "The papers' claims on this data", table: table, notes: notes, csv: csv,
                           intro: intro)
    }
}
