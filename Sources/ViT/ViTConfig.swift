import Foundation

/// Architecture of a plain vision transformer (DeiT / timm `VisionTransformer`, and the
/// LV-ViT variant with a convolutional stem). Coding keys are upstream snake_case so that the
/// Python reference and fixtures can write the same JSON.
public struct ViTConfig: Codable, Equatable, Hashable, Sendable {
    public enum Stem: String, Codable, Sendable {
        /// One Conv2d(C, D, k=patch, s=patch): DeiT / timm.
        case patch
        /// LV-ViT's `PatchEmbed4_2`: conv7×7 s2 → BN → ReLU → (conv3×3 → BN → ReLU)×2 →
        /// Conv2d(stemChannels, D, k=patch/2, s=patch/2).
        case lvvit
    }

    /// Side of the square full-resolution input in pixels (224 for DeiT-S).
    public var imageSize: Int
    public var patchSize: Int
    public var inChannels: Int
    public var embedDim: Int
    public var depth: Int
    public var numHeads: Int
    /// Hidden width of the block MLP (DeiT-S 1536 = 4·384; LV-ViT-S 1152 = 3·384).
    public var mlpHidden: Int
    public var qkvBias: Bool
    public var layerNormEps: Float
    public var numClasses: Int
    public var stem: Stem
    /// Width of the LV-ViT conv stem (64); unused for `.patch`.
    public var stemChannels: Int
    /// Residual branch scale: 1 for DeiT, 1/2 for LV-ViT (`skip_lam = 2`).
    public var residualScale: Float
    /// LV-ViT's auxiliary per-token head, combined as head + auxWeight·max_tokens(aux).
    public var auxHead: Bool
    public var auxWeight: Float

    public init(imageSize: Int, patchSize: Int, inChannels: Int = 3, embedDim: Int, depth: Int,
                numHeads: Int, mlpHidden: Int, qkvBias: Bool = true, layerNormEps: Float = 1e-6,
                numClasses: Int = 1000, stem: Stem = .patch, stemChannels: Int = 64,
                residualScale: Float = 1, auxHead: Bool = false, auxWeight: Float = 0.25) {
        self.imageSize = imageSize
        self.patchSize = patchSize
        self.inChannels = inChannels
        self.embedDim = embedDim
        self.depth = depth
        self.numHeads = numHeads
        self.mlpHidden = mlpHidden
        self.qkvBias = qkvBias
        self.layerNormEps = layerNormEps
        self.numClasses = numClasses
        self.stem = stem
        self.stemChannels = stemChannels
        self.residualScale = residualScale
        self.auxHead = auxHead
        self.auxWeight = auxWeight
    }

    enum CodingKeys: String, CodingKey {
        case imageSize = "image_size", patchSize = "patch_size", inChannels = "in_chans"
        case embedDim = "embed_dim", depth, numHeads = "num_heads", mlpHidden = "mlp_hidden"
        case qkvBias = "qkv_bias", layerNormEps = "ln_eps", numClasses = "num_classes", stem
        case stemChannels = "stem_channels", residualScale = "residual_scale"
        case auxHead = "aux_head", auxWeight = "aux_weight"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        imageSize = try c.decode(Int.self, forKey: .imageSize)
        patchSize = try c.decode(Int.self, forKey: .patchSize)
        inChannels = try c.decodeIfPresent(Int.self, forKey: .inChannels) ?? 3
        embedDim = try c.decode(Int.self, forKey: .embedDim)
        depth = try c.decode(Int.self, forKey: .depth)
        numHeads = try c.decode(Int.self, forKey: .numHeads)
        mlpHidden = try c.decode(Int.self, forKey: .mlpHidden)
        qkvBias = try c.decodeIfPresent(Bool.self, forKey: .qkvBias) ?? true
        layerNormEps = try c.decodeIfPresent(Float.self, forKey: .layerNormEps) ?? 1e-6
        numClasses = try c.decodeIfPresent(Int.self, forKey: .numClasses) ?? 1000
        stem = try c.decodeIfPresent(Stem.self, forKey: .stem) ?? .patch
        stemChannels = try c.decodeIfPresent(Int.self, forKey: .stemChannels) ?? 64
        residualScale = try c.decodeIfPresent(Float.self, forKey: .residualScale) ?? 1
        auxHead = try c.decodeIfPresent(Bool.self, forKey: .auxHead) ?? false
        auxWeight = try c.decodeIfPresent(Float.self, forKey: .auxWeight) ?? 0.25
    }

    // MARK: Derived geometry (never hard-coded elsewhere)

    public var headDim: Int { embedDim / numHeads }
    /// Patches per side at full resolution (14 for DeiT-S at 224).
    public var gridSize: Int { imageSize / patchSize }
    public var numPatches: Int { gridSize * gridSize }
    /// Tokens including the class token.
    public var numTokens: Int { numPatches + 1 }

    /// Reasons this configuration cannot run, each naming the offending field.
    public func problems() -> [String] {
        var p: [String] = []
        if imageSize <= 0 { p.append("image_size must be positive (got \(imageSize))") }
        if patchSize <= 0 { p.append("patch_size must be positive (got \(patchSize))") }
        if patchSize > 0 && imageSize % patchSize != 0 {
            p.append("image_size \(imageSize) is not a multiple of patch_size \(patchSize)")
        }
        if stem == .lvvit && patchSize % 2 != 0 { p.append("patch_size must be even for the lvvit stem") }
        if numHeads <= 0 || embedDim % max(numHeads, 1) != 0 {
            p.append("embed_dim \(embedDim) is not divisible by num_heads \(numHeads)")
        }
        if depth <= 0 { p.append("depth must be positive (got \(depth))") }
        if mlpHidden <= 0 { p.append("mlp_hidden must be positive (got \(mlpHidden))") }
        if numClasses <= 0 { p.append("num_classes must be positive (got \(numClasses))") }
        if !(layerNormEps > 0) { p.append("ln_eps must be positive (got \(layerNormEps))") }
        return p
    }
}

extension ViTConfig {
    /// DeiT-S (timm `deit_small_patch16_224`, CF-ViT `cf_deit_small`): 4,608,338,304 FLOPs.
    public static func deitSmall(imageSize: Int = 224, numClasses: Int = 1000) -> ViTConfig {
        ViTConfig(imageSize: imageSize, patchSize: 16, embedDim: 384, depth: 12, numHeads: 6,
                  mlpHidden: 1536, qkvBias: true, layerNormEps: 1e-6, numClasses: numClasses)
    }

    /// LV-ViT-S (`lvvit_s` / CF-ViT `cf_lvvit_small`): conv stem, 16 blocks, MLP 1152, no qkv
    /// bias, LayerNorm eps 1e-5, residual /2, aux head.
    public static func lvvitSmall(imageSize: Int = 224, numClasses: Int = 1000) -> ViTConfig {
        ViTConfig(imageSize: imageSize, patchSize: 16, embedDim: 384, depth: 16, numHeads: 6,
                  mlpHidden: 1152, qkvBias: false, layerNormEps: 1e-5, numClasses: numClasses,
                  stem: .lvvit, stemChannels: 64, residualScale: 0.5, auxHead: true, auxWeight: 0.25)
    }
}
