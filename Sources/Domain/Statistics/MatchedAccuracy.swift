import Foundation

/// Where an early-exit model first matches its baseline's accuracy on the stored η sweep.
/// One definition for three users: the store's `matched_accuracy` view (SQL, checked against
/// this code by RunStoreTests), the report's matched-accuracy section, and the throughput run,
/// which times the model at these η values.
public enum MatchedAccuracy {
    public enum Criterion: String, CaseIterable, Sendable {
        /// Top-1 ≥ the baseline's top-1 (compared as exact counts: c·N ≥ C·n).
        case atLeastBaseline = "at_least_baseline"
        /// Top-1 inside the baseline's 95% Wilson interval: indistinguishable within noise.
        case withinBaselineInterval = "within_baseline_ci"
    }

    /// One sweep point: η, top-1 correct out of images.
    public struct Point: Equatable, Sendable {
        public var eta: Double
        public var correct: Int
        public var images: Int

        public init(eta: Double, correct: Int, images: Int) {
            self.eta = eta
            self.correct = correct
            self.images = images
        }
    }

    /// Whether η is on the 0.01 grid (p/100). Points a suite adds off the grid (0.625) are
    /// not candidates: "to 0.01" is the resolution the papers and the official sweep use.
    public static func isGridEta(_ eta: Double) -> Bool {
        abs(eta * 100 - (eta * 100).rounded()) < 1e-9
    }

    /// The smallest grid η of `curve` that satisfies `criterion` against a baseline with
    /// `baselineCorrect` of `baselineImages` top-1 correct; nil when no point does.
    public static func smallestEta(_ curve: [Point], baselineCorrect: Int, baselineImages: Int,
                                   criterion: Criterion) -> Double? {
        guard baselineImages > 0 else { return nil }
        let interval = WilsonInterval(successes: baselineCorrect, trials: baselineImages)
        var best: Double?
        for p in curve where p.images > 0 && isGridEta(p.eta) {
            let ok: Bool
            switch criterion {
            case .atLeastBaseline:
                ok = p.correct * baselineImages >= baselineCorrect * p.images
            case .withinBaselineInterval:
                // The same double the store keeps in sweep_points.top1, against the same bounds.
                let top1 = Double(p.correct) / Double(p.images)
                ok = top1 >= interval.lower && top1 <= interval.upper
            }
            if ok, best.map({ p.eta < $0 }) ?? true { best = p.eta }
        }
        return best
    }
}
