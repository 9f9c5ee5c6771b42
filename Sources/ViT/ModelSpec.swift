import Foundation

/// What a model is: a plain ViT or a two-stage model over a ViT backbone. This is the Codable
/// value stored with every run and written into suite files.
public enum ModelSpec: Codable, Equatable, Hashable, Sendable {
    case vit(ViTConfig)
    case twoStage(TwoStageConfig)

    public var backbone: ViTConfig {
        switch self {
        case let .vit(c): return c
        case let .twoStage(c): return c.backbone
        }
    }

    /// Number of stages whose outputs a run records (1 or 2).
    public var stageCount: Int {
        if case .twoStage = self { return 2 }
        return 1
    }

    public func problems() -> [String] {
        switch self {
        case let .vit(c): return c.problems()
        case let .twoStage(c): return c.problems()
        }
    }

    enum CodingKeys: String, CodingKey { case kind, config }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case let .vit(v):
            try c.encode("vit", forKey: .kind)
            try c.encode(v, forKey: .config)
        case let .twoStage(t):
            try c.encode(t.method.rawValue, forKey: .kind)
            try c.encode(t, forKey: .config)
        }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try c.decode(String.self, forKey: .kind)
        switch kind {
        case "vit": self = .vit(try c.decode(ViTConfig.self, forKey: .config))
        case "cf-vit", "lf-vit": self = .twoStage(try c.decode(TwoStageConfig.self, forKey: .config))
        default:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c,
                debugDescription: "unknown model kind '\(kind)' (expected vit, cf-vit or lf-vit)")
        }
    }
}

/// Named models: the published architectures (for the released checkpoints) and the bundled
/// small models. `repro flops --model NAME`, suites and `repro forward` refer to these names.
public enum ModelPresets {
    public static let all: [(name: String, spec: ModelSpec, summary: String)] = [
        ("deit-s", .vit(.deitSmall()), "DeiT-S 224 (timm deit_small_patch16_224)"),
        ("lv-vit-s", .vit(.lvvitSmall()), "LV-ViT-S 224"),
        ("cf-vit-deit-s-7x7", .twoStage(TwoStageConfig(method: .cfvit, backbone: .deitSmall(imageSize: 224))),
         "CF-ViT, DeiT-S, 112/224 (7×7 → 14×14)"),
        ("cf-vit-deit-s-9x9", .twoStage(TwoStageConfig(method: .cfvit, backbone: .deitSmall(imageSize: 288))),
         "CF-ViT*, DeiT-S, 144/288 (9×9 → 18×18)"),
        ("cf-vit-lvvit-s-7x7", .twoStage(TwoStageConfig(method: .cfvit, backbone: .lvvitSmall(imageSize: 224))),
         "CF-ViT, LV-ViT-S, 112/224"),
        ("cf-vit-lvvit-s-9x9", .twoStage(TwoStageConfig(method: .cfvit, backbone: .lvvitSmall(imageSize: 288))),
         "CF-ViT*, LV-ViT-S, 144/288"),
        ("lf-vit-deit-s-7x7", .twoStage(TwoStageConfig(method: .lfvit, backbone: .deitSmall(imageSize: 224), regionSize: 5)),
         "LF-ViT, DeiT-S, 112/224, m = 5 (README checkpoint)"),
        // The README's 9×9 checkpoint says m = 8; HEAD's code would use 5 and the first commit's
        // FLOPs constant implies 6 (spec/lf-vit.md §10.1). The preset follows the README.
        ("lf-vit-deit-s-9x9", .twoStage(TwoStageConfig(method: .lfvit, backbone: .deitSmall(imageSize: 288), regionSize: 8)),
         "LF-ViT, DeiT-S, 144/288, m = 8 (README checkpoint)"),
        // The bundled small models (issue 7), trained on the `repro synth` data by experiments/train:
        // 112 px, patch 8 (14×14 full grid, 7×7 stage 1), dim 96, depth 6, 3 heads, MLP 384, 10 classes.
        ("bundled-vit", .vit(ViTConfig(imageSize: 112, patchSize: 8, embedDim: 96, depth: 6, numHeads: 3,
                                       mlpHidden: 384, numClasses: 10)),
         "bundled plain ViT baseline, 112 px, patch 8, dim 96, depth 6 (experiments/models)"),
        ("bundled-cf-vit", .twoStage(TwoStageConfig(method: .cfvit, backbone: ViTConfig(
            imageSize: 112, patchSize: 8, embedDim: 96, depth: 6, numHeads: 3, mlpHidden: 384, numClasses: 10))),
         "bundled CF-ViT, 56/112 (7×7 → 14×14), k = 25 (experiments/models)"),
        ("bundled-lf-vit", .twoStage(TwoStageConfig(method: .lfvit, backbone: ViTConfig(
            imageSize: 112, patchSize: 8, embedDim: 96, depth: 6, numHeads: 3, mlpHidden: 384, numClasses: 10),
            regionSize: 5)),
         "bundled LF-ViT, 56/112 (7×7 → 14×14), m = 5, K = 22 (experiments/models)"),
    ]

    public static var names: [String] { all.map(\.name) }

    public static func spec(named name: String) -> ModelSpec? {
        all.first { $0.name == name }?.spec
    }
}
