/// A model against its reference at one η on the images both evaluated: the 2×2 counts, the
/// exact McNemar p and the paired bootstrap interval. One type from the store's `paired_stats`
/// rows to the report tables (its Codable form is the report input's JSON).
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
