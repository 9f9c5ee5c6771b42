import Foundation

/// A row against the row it is compared with, on the same images: per η, the 2×2 table of
/// top-1 correctness, the exact McNemar p-value and the paired bootstrap 95% interval of the
/// accuracy difference. Computed and stored by the harness (RunStore `paired_stats`); the
/// report only formats them.
public struct PairedComparison: Codable, Equatable, Sendable {
    /// The other row's name (the baseline, or the main row of an ablation variant).
    public var reference: String
    /// "baseline" or "variant".
    public var relation: String
    public var points: [PairedPoint]

    public init(reference: String, relation: String, points: [PairedPoint]) {
        self.reference = reference
        self.relation = relation
        self.points = points
    }

    /// The point at `eta` (nil: a single-stage row, whose statistics are the same at every η).
    public func point(at eta: Double?) -> PairedPoint? {
        guard let eta else { return points.last }
        return points.first { abs($0.eta - eta) <= 1e-9 }
    }
}

public struct PairedPoint: Codable, Equatable, Sendable {
    public var eta: Double
    public var counts: PairedCounts
    public var mcnemarP: Double
    /// Paired bootstrap 95% interval of top-1(row) − top-1(reference), fractions.
    public var low: Double
    public var high: Double
    public var resamples: Int
    public var seed: UInt64

    public init(eta: Double, counts: PairedCounts, mcnemarP: Double, low: Double, high: Double,
                resamples: Int, seed: UInt64) {
        self.eta = eta
        self.counts = counts
        self.mcnemarP = mcnemarP
        self.low = low
        self.high = high
        self.resamples = resamples
        self.seed = seed
    }

    /// Δ top-1 in percentage points.
    public var deltaPoints: Double { 100 * counts.difference }

    enum CodingKeys: String, CodingKey {
        case eta, bothCorrect = "both_correct", onlyModelCorrect = "only_model_correct"
        case onlyReferenceCorrect = "only_reference_correct", bothWrong = "both_wrong"
        case mcnemarP = "mcnemar_p", low = "bootstrap_low", high = "bootstrap_high", resamples, seed
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        eta = try c.decode(Double.self, forKey: .eta)
        counts = PairedCounts(bothCorrect: try c.decode(Int.self, forKey: .bothCorrect),
                              onlyModelCorrect: try c.decode(Int.self, forKey: .onlyModelCorrect),
                              onlyReferenceCorrect: try c.decode(Int.self, forKey: .onlyReferenceCorrect),
                              bothWrong: try c.decode(Int.self, forKey: .bothWrong))
        mcnemarP = try c.decode(Double.self, forKey: .mcnemarP)
        low = try c.decode(Double.self, forKey: .low)
        high = try c.decode(Double.self, forKey: .high)
        resamples = try c.decode(Int.self, forKey: .resamples)
        seed = try c.decode(UInt64.self, forKey: .seed)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(eta, forKey: .eta)
        try c.encode(counts.bothCorrect, forKey: .bothCorrect)
        try c.encode(counts.onlyModelCorrect, forKey: .onlyModelCorrect)
        try c.encode(counts.onlyReferenceCorrect, forKey: .onlyReferenceCorrect)
        try c.encode(counts.bothWrong, forKey: .bothWrong)
        try c.encode(mcnemarP, forKey: .mcnemarP)
        try c.encode(low, forKey: .low)
        try c.encode(high, forKey: .high)
        try c.encode(resamples, forKey: .resamples)
        try c.encode(seed, forKey: .seed)
    }
}

/// A curve the row's checkpoint file carries (official .pth: `budgeted_batch_classification`,
/// the authors' η sweep of that file; `anytime_classification`, each stage alone).
public struct CheckpointCurve: Codable, Equatable, Sendable {
    /// "budgeted_batch_classification" or "anytime_classification".
    public var name: String
    public var points: [CheckpointCurvePointResult]

    public init(name: String, points: [CheckpointCurvePointResult]) {
        self.name = name
        self.points = points
    }
}

public struct CheckpointCurvePointResult: Codable, Equatable, Sendable {
    public var eta: Double?
    public var gflops: Double?
    /// Percent, as printed.
    public var top1: Double

    public init(eta: Double?, gflops: Double?, top1: Double) {
        self.eta = eta
        self.gflops = gflops
        self.top1 = top1
    }
}
