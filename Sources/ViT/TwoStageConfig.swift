import Foundation

/// A two-stage model (CF-ViT or LF-ViT) on top of a backbone. The backbone's `imageSize` is the
/// full-resolution (stage 2) input; stage 1 sees the image bilinearly downsampled by 2, through
/// the same patch embedding, so its grid is half the full grid per side.
public struct TwoStageConfig: Codable, Equatable, Hashable, Sendable {
    public enum Method: String, Codable, Sendable {
        case cfvit = "cf-vit"
        case lfvit = "lf-vit"
    }

    /// How stage-1 scores rank the coarse cells (CF-ViT Table 4 ablations).
    public enum RegionScore: String, Codable, Sendable, CaseIterable {
        /// Global class attention: EMA of class attention over blocks gcaStartBlock…depth−1.
        case gca
        /// The same score negated: picks the least attended cells.
        case negativeGCA = "negative-gca"
        /// Seeded random scores (seed + image position in its batch-independent stream).
        case random
        /// Class attention of the last block only.
        case lastBlock = "last-block"
    }

    /// How the number of selected cells is rounded from ratio × count.
    public enum Rounding: String, Codable, Sendable {
        /// Current official code: ceil (CF-ViT k = 25 for 7×7).
        case ceil
        /// The older `int(α·Nc)` that made some checkpoint FLOPs constants (k = 40 for 9×9).
        case floor
    }

    public var method: Method
    public var backbone: ViTConfig
    /// CF-ViT: share of coarse cells refined, k = round(alpha · Nc).
    public var alpha: Double
    /// GCA EMA factor: G = beta·G + (1 − beta)·A_l. Double so that 1 − beta is formed from the
    /// decimal value as the official Python does (1 − 0.99 → 0.01f, not 1 − 0.99f).
    public var beta: Double
    /// First block (0-based) in the GCA EMA: 3 in the official code.
    public var gcaStartBlock: Int
    /// LF-ViT: side m of the square window searched on the coarse grid.
    public var regionSize: Int
    /// LF-ViT: share of the window's m² cells refined, K = round(kRatio · m²).
    public var kRatio: Double
    public var rounding: Rounding
    /// Add LN + MLP of the stage-1 features (nearest-upsampled) to the full-resolution embeddings.
    public var featureReuse: Bool
    public var regionScore: RegionScore
    /// Seed for `RegionScore.random`.
    public var randomSeed: UInt64
    /// LF-ViT: keep the stage-1 input embeddings of the cells that are not refined (official)
    /// or drop them from the stage-2 sequence (ablation).
    public var reuseCoarseTokens: Bool

    public init(method: Method, backbone: ViTConfig, alpha: Double = 0.5, beta: Double = 0.99,
                gcaStartBlock: Int = 3, regionSize: Int = 5, kRatio: Double = 0.88,
                rounding: Rounding = .ceil, featureReuse: Bool = true,
                regionScore: RegionScore = .gca, randomSeed: UInt64 = 0, reuseCoarseTokens: Bool = true) {
        self.method = method
        self.backbone = backbone
        self.alpha = alpha
        self.beta = beta
        self.gcaStartBlock = gcaStartBlock
        self.regionSize = regionSize
        self.kRatio = kRatio
        self.rounding = rounding
        self.featureReuse = featureReuse
        self.regionScore = regionScore
        self.randomSeed = randomSeed
        self.reuseCoarseTokens = reuseCoarseTokens
    }

    enum CodingKeys: String, CodingKey {
        case method, backbone, alpha, beta, gcaStartBlock = "gca_start_block"
        case regionSize = "region_size", kRatio = "k_ratio", rounding
        case featureReuse = "feature_reuse", regionScore = "region_score"
        case randomSeed = "random_seed", reuseCoarseTokens = "reuse_coarse_tokens"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        method = try c.decode(Method.self, forKey: .method)
        backbone = try c.decode(ViTConfig.self, forKey: .backbone)
        alpha = try c.decodeIfPresent(Double.self, forKey: .alpha) ?? 0.5
        beta = try c.decodeIfPresent(Double.self, forKey: .beta) ?? 0.99
        gcaStartBlock = try c.decodeIfPresent(Int.self, forKey: .gcaStartBlock) ?? 3
        regionSize = try c.decodeIfPresent(Int.self, forKey: .regionSize) ?? 5
        kRatio = try c.decodeIfPresent(Double.self, forKey: .kRatio) ?? 0.88
        rounding = try c.decodeIfPresent(Rounding.self, forKey: .rounding) ?? .ceil
        featureReuse = try c.decodeIfPresent(Bool.self, forKey: .featureReuse) ?? true
        regionScore = try c.decodeIfPresent(RegionScore.self, forKey: .regionScore) ?? .gca
        randomSeed = try c.decodeIfPresent(UInt64.self, forKey: .randomSeed) ?? 0
        reuseCoarseTokens = try c.decodeIfPresent(Bool.self, forKey: .reuseCoarseTokens) ?? true
    }

    // MARK: Derived geometry

    /// Full-resolution grid side (14 for 224/16).
    public var fineGrid: Int { backbone.gridSize }
    /// Stage-1 grid side (7 for 224/16).
    public var coarseGrid: Int { fineGrid / 2 }
    /// Stage-1 input side in pixels (112 for 224).
    public var coarseImageSize: Int { backbone.imageSize / 2 }
    public var coarseCells: Int { coarseGrid * coarseGrid }

    private func rounded(_ x: Double) -> Int {
        switch rounding {
        case .ceil: return Int(x.rounded(.up))
        case .floor: return Int(x.rounded(.down))
        }
    }

    /// Coarse cells refined at full resolution: CF-ViT k = ceil(α·Nc); LF-ViT K = ceil(kRatio·m²).
    /// Computed in Double as the official Python does (0.88·25 = 22.0 exactly).
    public var refinedCells: Int {
        switch method {
        case .cfvit: return min(coarseCells, max(0, rounded(alpha * Double(coarseCells))))
        case .lfvit: return min(regionSize * regionSize, max(0, rounded(kRatio * Double(regionSize * regionSize))))
        }
    }

    /// Tokens in the stage-2 sequence, class token included.
    public var stage2Tokens: Int {
        let k = refinedCells
        let kept: Int
        switch method {
        case .cfvit: kept = coarseCells - k
        case .lfvit: kept = reuseCoarseTokens ? coarseCells - k : 0
        }
        return 1 + 4 * k + kept
    }

    /// Reasons this configuration cannot run, each naming the offending field.
    public func problems() -> [String] {
        var p = backbone.problems()
        if backbone.gridSize % 2 != 0 {
            p.append("backbone grid \(backbone.gridSize)×\(backbone.gridSize) is odd: stage 1 needs half of it")
        }
        if !(0...1).contains(alpha) { p.append("alpha must be within [0, 1] (got \(alpha))") }
        if !(0...1).contains(beta) { p.append("beta must be within [0, 1] (got \(beta))") }
        if gcaStartBlock < 0 || gcaStartBlock >= backbone.depth {
            p.append("gca_start_block \(gcaStartBlock) is outside the backbone's blocks 0…\(backbone.depth - 1)")
        }
        if method == .lfvit {
            if regionSize < 1 || regionSize > coarseGrid {
                p.append("region_size m = \(regionSize) does not fit the \(coarseGrid)×\(coarseGrid) stage-1 grid")
            }
            if !(0...1).contains(kRatio) { p.append("k_ratio must be within [0, 1] (got \(kRatio))") }
        }
        return p
    }
}
