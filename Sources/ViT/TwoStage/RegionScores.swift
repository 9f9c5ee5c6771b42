import Tensor

/// Accumulates the stage-1 score of every coarse cell while the blocks run.
/// GCA (spec/cf-vit.md §4, spec/lf-vit.md §4): G = β·G + (1−β)·A_l over blocks l ≥ start,
/// starting from 0, on the class-token query row; score = mean over heads of G[:, 0, 1:].
/// Only row 0 of each map is ever used, and the EMA is element-wise, so keeping row 0 alone is
/// bit-identical to the official full-map EMA. Float32 op order as the official code:
/// t1 = β·G, t2 = (1−β)·A, G = t1 + t2.
struct RegionScores {
    let config: TwoStageConfig
    let batch: Int
    let heads: Int
    let tokens: Int
    /// [B, H, N]
    private var ema: [Float]
    private var started = false

    init(config: TwoStageConfig, batch: Int) {
        self.config = config
        self.batch = batch
        heads = config.backbone.numHeads
        tokens = config.coarseCells + 1
        ema = [Float](repeating: 0, count: batch * heads * tokens)
    }

    /// Called with block l's class rows [B, H, N].
    mutating func observe(block l: Int, clsRows: UnsafePointer<Float>) {
        switch config.regionScore {
        case .gca, .negativeGCA:
            guard l >= config.gcaStartBlock else { return }
            let b = Float(config.beta), a = Float(1 - config.beta)
            if !started {
                // The official EMA starts from the Python int 0: 0.99·0 + 0.01·A = 0.01·A.
                for i in ema.indices { ema[i] = a * clsRows[i] }
                started = true
            } else {
                for i in ema.indices { ema[i] = b * ema[i] + a * clsRows[i] }
            }
        case .lastBlock:
            if l == config.backbone.depth - 1 {
                for i in ema.indices { ema[i] = clsRows[i] }
            }
        case .random:
            break
        }
    }

    /// Scores [B][Nc]: head mean of the class row over patch columns (sum over heads in order,
    /// then / H, as `mean(dim=1)`); negated for negative GCA; seeded uniform for random.
    func scores(imageKeys: [UInt64]) -> [[Float]] {
        let nc = tokens - 1
        return (0..<batch).map { b in
            if config.regionScore == .random {
                var rng = SeededRandom(seed: config.randomSeed ^ (imageKeys[b] &* 0x9E37_79B9_7F4A_7C15))
                return (0..<nc).map { _ in rng.nextUnitFloat() }
            }
            var s = [Float](repeating: 0, count: nc)
            for t in 0..<nc {
                var acc: Float = 0
                for h in 0..<heads { acc += ema[(b * heads + h) * tokens + 1 + t] }
                s[t] = acc / Float(heads)
            }
            return config.regionScore == .negativeGCA ? s.map { -$0 } : s
        }
    }
}
