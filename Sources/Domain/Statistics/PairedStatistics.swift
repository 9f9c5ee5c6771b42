import Foundation

/// Two classifiers on the same images, image by image: the 2×2 table of top-1 correctness.
/// "Model" is the row being reported, "reference" the row it is compared with (its baseline,
/// or the main row of an ablation variant).
public struct PairedCounts: Equatable, Sendable {
    public var bothCorrect: Int
    /// Discordant pairs: the model right and the reference wrong …
    public var onlyModelCorrect: Int
    /// … and the reference right and the model wrong.
    public var onlyReferenceCorrect: Int
    public var bothWrong: Int

    public init(bothCorrect: Int, onlyModelCorrect: Int, onlyReferenceCorrect: Int, bothWrong: Int) {
        self.bothCorrect = bothCorrect
        self.onlyModelCorrect = onlyModelCorrect
        self.onlyReferenceCorrect = onlyReferenceCorrect
        self.bothWrong = bothWrong
    }

    /// Counts from per-image correctness, aligned by image.
    public init(model: [Bool], reference: [Bool]) {
        precondition(model.count == reference.count, "one entry per image in both")
        var both = 0, onlyM = 0, onlyR = 0, neither = 0
        for (m, r) in zip(model, reference) {
            switch (m, r) {
            case (true, true): both += 1
            case (true, false): onlyM += 1
            case (false, true): onlyR += 1
            case (false, false): neither += 1
            }
        }
        self.init(bothCorrect: both, onlyModelCorrect: onlyM, onlyReferenceCorrect: onlyR, bothWrong: neither)
    }

    public var images: Int { bothCorrect + onlyModelCorrect + onlyReferenceCorrect + bothWrong }
    public var discordant: Int { onlyModelCorrect + onlyReferenceCorrect }
    /// Top-1 of the model minus top-1 of the reference, as a fraction (0 with no images).
    public var difference: Double {
        images > 0 ? Double(onlyModelCorrect - onlyReferenceCorrect) / Double(images) : 0
    }
}

/// McNemar's test in its exact form (McNemar 1947; the exact conditional version as in
/// statsmodels' `mcnemar(exact=True)` and Agresti, *Categorical Data Analysis*, §11.1): given
/// n = b + c discordant pairs, b ~ Binomial(n, ½) under "both classifiers are equally
/// accurate", and the two-sided p-value is min(1, 2·P(X ≤ min(b, c))).
public enum McNemar {
    /// The exact two-sided p-value; 1 when there are no discordant pairs.
    public static func exactPValue(onlyModelCorrect b: Int, onlyReferenceCorrect c: Int) -> Double {
        precondition(b >= 0 && c >= 0, "counts are non-negative")
        let n = b + c
        let k = min(b, c)
        if n == 0 || 2 * k == n { return 1 }
        return min(1, 2 * binomialHalfCDF(k, n))
    }

    /// P(X ≤ k) for X ~ Binomial(n, ½), k < n/2. Summed in log space from the term at k
    /// downwards (each term ≤ the one above it, so the sum never overflows): with
    /// t_i = pmf(i)/pmf(k), t_{i−1} = t_i · i / (n − i + 1). pmf(k) itself through lgamma,
    /// so that n = 50,000 (a full ImageNet split) neither underflows nor loses digits.
    static func binomialHalfCDF(_ k: Int, _ n: Int) -> Double {
        let nn = Double(n), kk = Double(k)
        let logChoose: Double = lgamma(nn + 1) - lgamma(kk + 1) - lgamma(nn - kk + 1)
        let logPmfK: Double = logChoose - nn * log(2.0)
        var term = 1.0
        var sum = 1.0
        var i = k
        while i > 0 {
            term *= Double(i) / Double(n - i + 1)
            sum += term
            // The remaining terms shrink geometrically: stop once they no longer change the sum.
            if term < sum * 1e-17 { break }
            i -= 1
        }
        return exp(logPmfK + log(sum))
    }
}

/// The paired bootstrap of the accuracy difference (Efron & Tibshirani 1993, §16; as in
/// Koehn 2004 for paired system comparison): draw n images with replacement, the same images
/// for both classifiers, take the mean of d_i = correct_model(i) − correct_reference(i), and
/// repeat; the 2.5th and 97.5th percentiles of those means are the 95% interval.
public enum PairedBootstrap {
    /// Resamples behind every stored interval (the report states it).
    public static let defaultResamples = 2000
    /// Seed of the resampling generator, fixed so that a stored interval can be recomputed.
    public static let defaultSeed: UInt64 = 20_230_207

    /// The percentile interval (fractions) from `resamples` seeded resamples of `differences`
    /// (one entry per image: +1, 0 or −1). [0, 0] when there are no images.
    public static func interval(differences: [Int8], resamples: Int = defaultResamples,
                                seed: UInt64 = defaultSeed, level: Double = 0.95) -> (lower: Double, upper: Double) {
        let n = differences.count
        guard n > 0, resamples > 0 else { return (0, 0) }
        var rng = SplitMix64(seed: seed)
        var means = [Double](repeating: 0, count: resamples)
        differences.withUnsafeBufferPointer { d in
            for r in 0..<resamples {
                var sum = 0
                for _ in 0..<n { sum += Int(d[rng.index(below: n)]) }
                means[r] = Double(sum) / Double(n)
            }
        }
        return percentileInterval(means, level: level)
    }

    /// The same statistic for explicitly given resamples (each an array of n image indices):
    /// lets a test replay resamples drawn by another program.
    public static func interval(differences: [Int8], resampleIndices: [[Int]],
                                level: Double = 0.95) -> (lower: Double, upper: Double) {
        let means = resampleIndices.map { idx -> Double in
            Double(idx.reduce(0) { $0 + Int(differences[$1]) }) / Double(max(idx.count, 1))
        }
        return means.isEmpty ? (0, 0) : percentileInterval(means, level: level)
    }

    /// Lower and upper percentiles of `values` at (1 ∓ level)/2.
    static func percentileInterval(_ values: [Double], level: Double) -> (lower: Double, upper: Double) {
        let sorted = values.sorted()
        let tail = (1 - level) / 2
        return (percentile(sorted, tail), percentile(sorted, 1 - tail))
    }

    /// Percentile of sorted values with linear interpolation between order statistics at
    /// h = (N − 1)·q (Hyndman & Fan type 7, numpy's default `linear` method).
    public static func percentile(_ sorted: [Double], _ q: Double) -> Double {
        precondition(!sorted.isEmpty, "a percentile of no values")
        let h = Double(sorted.count - 1) * q
        let lo = Int(h.rounded(.down))
        let hi = min(lo + 1, sorted.count - 1)
        return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014): small, fast and the same on every platform, so a
/// seeded bootstrap gives the same interval on every machine.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform index in 0..<n by Lemire's multiply-shift (the high word of next()·n); the
    /// bias is below n / 2⁶⁴, far under anything a 2,000-resample bootstrap can resolve.
    public mutating func index(below n: Int) -> Int {
        Int(next().multipliedFullWidth(by: UInt64(n)).high)
    }
}
