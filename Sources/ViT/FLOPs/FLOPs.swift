import Foundation

/// Analytic FLOPs of the models in fvcore's convention (`FlopCountAnalysis`, fvcore 0.1.5), the
/// one behind every published CF-ViT / LF-ViT constant (spec/cf-vit.md §9, spec/lf-vit.md §6):
/// one multiply-add counts 1; linear, conv and matmul (q·kᵀ and attn·v included) are counted,
/// biases are not; LayerNorm 5 per element; BatchNorm 2 per element in eval mode, 5 in train
/// mode; nearest upsample 1 per output element; softmax, GELU, ReLU, adds, scalings, means and
/// gathers are free. Counts are exact integers for batch 1.
public enum FLOPs {
    /// Which element-wise ops are counted besides the multiply-adds.
    public enum Convention: String, CaseIterable, Codable, Sendable {
        /// fvcore on a model in eval mode: BatchNorm 2 per element.
        case fvcore
        /// fvcore on a model left in train mode: BatchNorm 5 per element. The official LV-ViT
        /// constants (1.574, 6.096, 6.177, 2.617, 10.3 G) were made this way.
        case fvcoreTrainBN = "fvcore-train-bn"
        /// Multiply-adds only: LayerNorm, BatchNorm and upsample cost nothing. One of the two
        /// candidate readings of CF-ViT Table 1's "4.60G" (fvcore prints 4.61).
        case macsOnly = "macs-only"

        /// The convention of the official constants for this model: train-mode BatchNorm when the
        /// backbone has BatchNorm (the LV-ViT stem), plain fvcore otherwise (the two agree there).
        public static func official(for spec: ModelSpec) -> Convention {
            spec.backbone.stem == .lvvit ? .fvcoreTrainBN : .fvcore
        }

        public var layerNormPerElement: Int { self == .macsOnly ? 0 : 5 }
        public var batchNormPerElement: Int {
            switch self {
            case .fvcore: return 2
            case .fvcoreTrainBN: return 5
            case .macsOnly: return 0
            }
        }
        public var upsamplePerOutputElement: Int { self == .macsOnly ? 0 : 1 }
    }

    public struct Options: Equatable, Hashable, Sendable {
        public var convention: Convention
        /// Whether stage 2's classifier (the head and, on an LV-ViT backbone, the aux head) is
        /// counted. `nil` follows the method's official constants: CF-ViT counts it, LF-ViT's
        /// [1.101957888, 3.810416256] leave out the focus head (384,000 on DeiT-S; fvcore on
        /// the official `forward` gives flops[1] + 384,000, spec/lf-vit.md §6).
        public var countStage2Classifier: Bool?

        public init(convention: Convention = .fvcore, countStage2Classifier: Bool? = nil) {
            self.convention = convention
            self.countStage2Classifier = countStage2Classifier
        }
    }

    /// The official default for `Options.countStage2Classifier`.
    public static func officialCountsStage2Classifier(_ method: TwoStageConfig.Method) -> Bool {
        switch method {
        case .cfvit: return true
        case .lfvit: return false
        }
    }

    /// A model whose configuration cannot run has no FLOPs count.
    public struct InvalidModel: Error, CustomStringConvertible, Equatable {
        public var problems: [String]
        public var description: String {
            "cannot count FLOPs of an invalid model: " + problems.joined(separator: "; ")
        }
    }

    /// Per-stage **cumulative** FLOPs: one entry for a plain ViT; [stage 1, stage 1 + stage 2]
    /// for a two-stage model — the `flops` list the official checkpoints carry.
    public static func count(_ spec: ModelSpec, convention: Convention = .fvcore,
                             countStage2Classifier: Bool? = nil) throws -> [Int] {
        try report(spec, options: Options(convention: convention,
                                          countStage2Classifier: countStage2Classifier)).cumulative
    }

    /// `flops` in G with `decimals` digits, rounded half up from the exact integer (no binary
    /// floating point in between), e.g. giga(4_022_324_736, decimals: 1) == "4.0".
    /// `decimals` is clamped to 0…9 (9 is exact).
    public static func giga(_ flops: Int, decimals requested: Int = 6) -> String {
        let decimals = min(max(requested, 0), 9)
        let negative = flops < 0
        let magnitude = flops.magnitude
        var unit: UInt = 1
        for _ in 0..<(9 - decimals) { unit *= 10 }
        let scaled = (magnitude + unit / 2) / unit          // in units of 10^-decimals G
        var scale: UInt = 1
        for _ in 0..<decimals { scale *= 10 }
        let whole = scaled / scale
        var text = "\(whole)"
        if decimals > 0 {
            let frac = String(scaled % scale)
            text += "." + String(repeating: "0", count: decimals - frac.count) + frac
        }
        return (negative && scaled > 0 ? "-" : "") + text
    }
}
