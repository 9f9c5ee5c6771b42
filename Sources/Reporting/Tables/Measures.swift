import Domain
import Foundation

extension WilsonInterval {
    /// "[79.05, 82.41]" in percent.
    public func percentText(_ decimals: Int = 2) -> String {
        "[" + Fixed.string(100 * lower, decimals) + ", " + Fixed.string(100 * upper, decimals) + "]"
    }
}

/// A measured accuracy: correct out of images.
struct Accuracy {
    var correct: Int
    var images: Int

    var percent: Double { Fixed.percent(correct, of: images) }
    var interval: WilsonInterval { WilsonInterval(successes: correct, trials: images) }
}

extension ModelResult {
    /// The sweep point at `eta`; a single-stage model's only point whatever `eta` is.
    func point(at eta: Double?) -> SweepPointResult? {
        if !isTwoStage { return sweep.first }
        guard let eta else { return nil }
        return sweep.first { etaMatches($0.eta, eta) }
    }

    /// The throughput measurement at `eta` under `setting` (first match in array order).
    func throughput(at eta: Double?, setting: ThroughputSetting?) -> ThroughputResult? {
        throughput.first { t in
            (isTwoStage ? etaMatches(t.eta, eta) : true)
                && (setting?.batchSize.map { $0 == t.batchSize } ?? true)
                && (setting?.threads.map { $0 == t.threads } ?? true)
        }
    }

    func stageAccuracy(_ index: Int) -> Accuracy? {
        guard stages.indices.contains(index) else { return nil }
        return Accuracy(correct: stages[index].top1Correct, images: stages[index].images)
    }
}

/// Shared number formats of the Markdown documents (the CSVs use more digits).
enum Cell {
    static let missing = "–"

    static func percent(_ x: Double) -> String { Fixed.string(x, 2) }
    static func gflops(_ x: Double) -> String { Fixed.string(x, 2) }
    static func throughput(_ x: Double) -> String { Fixed.string(x, 1) }
    static func eta(_ eta: Double?) -> String { eta.map { Fixed.string($0, 2) } ?? missing }

    /// A published number: up to 4 decimals, trailing zeros dropped down to `minDecimals`
    /// (79.8, 4.0 with one; 2601 with none).
    static func paper(_ x: Double, minDecimals: Int = 1) -> String {
        var s = Fixed.string(x, 4)
        let point = s.firstIndex(of: ".")!
        while s.hasSuffix("0") && s.distance(from: point, to: s.endIndex) - 1 > minDecimals { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }

    static func paper(_ x: Double, _ metric: PaperMetric) -> String {
        paper(x, minDecimals: metric == .throughput ? 0 : 1)
    }

    /// Δ top-1 in percentage points: "+0.90".
    static func delta(_ x: Double) -> String { Fixed.signed(x, 2) }

    /// FLOPs change vs the baseline: "↓61.0%" (fewer) or "↑3.2%" (more).
    static func flopsChange(_ value: Double, baseline: Double) -> String {
        guard baseline > 0 else { return missing }
        let reduction = 100 * (baseline - value) / baseline
        let text = Fixed.string(abs(reduction), 1)
        return (reduction >= 0 || text == "0.0") ? "↓" + text + "%" : "↑" + text + "%"
    }

    /// Throughput ratio vs the baseline: "↑1.88×" (faster) or "↓0.85×" (slower).
    static func speedup(_ value: Double, baseline: Double) -> String {
        guard baseline > 0 else { return missing }
        let text = Fixed.string(value / baseline, 2)
        return (value >= baseline || text == "1.00" ? "↑" : "↓") + text + "×"
    }
}
