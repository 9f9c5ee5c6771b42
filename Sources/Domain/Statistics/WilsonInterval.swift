import Foundation

/// The Wilson score interval for a binomial proportion (Wilson 1927; no continuity
/// correction): the set of p for which the score test |x − n·p| / √(n·p·(1−p)) ≤ z does not
/// reject. Closed form: (p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n).
public struct WilsonInterval: Equatable, Sendable {
    public var lower: Double
    public var upper: Double

    /// The standard normal 0.975 quantile, Φ⁻¹(0.975), for 95% two-sided intervals.
    public static let z95 = 1.959963984540054

    public init(lower: Double, upper: Double) {
        self.lower = lower
        self.upper = upper
    }

    /// The interval for `successes` out of `trials`; [0, 1] when there are no trials.
    public init(successes: Int, trials: Int, z: Double = WilsonInterval.z95) {
        guard trials > 0 else {
            self.init(lower: 0, upper: 1)
            return
        }
        let n = Double(trials)
        let p = Double(successes) / n
        let z2 = z * z
        let denominator = 1 + z2 / n
        let center = (p + z2 / (2 * n)) / denominator
        let half = z * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot() / denominator
        // At p̂ = 0 (p̂ = 1) the lower (upper) bound is exactly 0 (1); rounding would miss it.
        self.init(lower: successes <= 0 ? 0 : max(0, center - half),
                  upper: successes >= trials ? 1 : min(1, center + half))
    }
}
