/// The one place that knows upstream checkpoint key names (timm / DeiT, CF-ViT `cf_deit_small`,
/// LF-ViT `lf_deit_small`, LV-ViT / CF-ViT `cf_lvvit_small`). Everything else uses Swift names.
///
/// Layouts follow spec/cf-vit.md §10 and spec/lf-vit.md §8 (159 keys for the DeiT-S two-stage
/// models, 211 for CF-ViT LV-ViT-S); a plain ViT has `pos_embed` instead of `pos_embed_list.*`
/// and no reuse block.
public enum KeyMap {
    public static let clsToken = "cls_token"
    public static let posEmbed = "pos_embed"
    public static func posEmbed(stage: Int) -> String { "pos_embed_list.\(stage)" }
    public static let patchProjWeight = "patch_embed.proj.weight"
    public static let patchProjBias = "patch_embed.proj.bias"
    public static func stemConv(_ i: Int) -> String { "patch_embed.conv\(i).weight" }
    public static func stemBN(_ i: Int, _ field: String) -> String { "patch_embed.bn\(i).\(field)" }
    public static func block(_ i: Int, _ field: String) -> String { "blocks.\(i).\(field)" }
    public static let normWeight = "norm.weight", normBias = "norm.bias"
    public static let headWeight = "head.weight", headBias = "head.bias"
    public static let auxWeight = "aux_head.weight", auxBias = "aux_head.bias"
    public static let reuseNormWeight = "reuse_block.0.weight", reuseNormBias = "reuse_block.0.bias"
    public static let reuseFc1Weight = "reuse_block.1.fc1.weight", reuseFc1Bias = "reuse_block.1.fc1.bias"
    public static let reuseFc2Weight = "reuse_block.1.fc2.weight", reuseFc2Bias = "reuse_block.1.fc2.bias"
    /// BatchNorm entries that carry no weight (`num_batches_tracked`) are accepted but unused.
    public static let ignorableSuffixes = ["num_batches_tracked"]

    /// Every tensor the model needs, with its shape, in upstream registration order.
    public static func layout(for spec: ModelSpec) -> [(key: String, shape: [Int])] {
        let c = spec.backbone
        let d = c.embedDim
        var out: [(String, [Int])] = [(clsToken, [1, 1, d])]
        switch spec {
        case .vit:
            out.append((posEmbed, [1, c.numTokens, d]))
        case let .twoStage(t):
            out.append((posEmbed(stage: 0), [1, t.coarseCells + 1, d]))
            out.append((posEmbed(stage: 1), [1, c.numTokens, d]))
        }
        switch c.stem {
        case .patch:
            out.append((patchProjWeight, [d, c.inChannels, c.patchSize, c.patchSize]))
            out.append((patchProjBias, [d]))
        case .lvvit:
            let s = c.stemChannels
            out.append((stemConv(1), [s, c.inChannels, 7, 7]))
            out.append((stemConv(2), [s, s, 3, 3]))
            out.append((stemConv(3), [s, s, 3, 3]))
            for i in 1...3 {
                for f in ["weight", "bias", "running_mean", "running_var"] { out.append((stemBN(i, f), [s])) }
            }
            out.append((patchProjWeight, [d, s, c.patchSize / 2, c.patchSize / 2]))
            out.append((patchProjBias, [d]))
        }
        for i in 0..<c.depth {
            out.append((block(i, "norm1.weight"), [d]))
            out.append((block(i, "norm1.bias"), [d]))
            out.append((block(i, "attn.qkv.weight"), [3 * d, d]))
            if c.qkvBias { out.append((block(i, "attn.qkv.bias"), [3 * d])) }
            out.append((block(i, "attn.proj.weight"), [d, d]))
            out.append((block(i, "attn.proj.bias"), [d]))
            out.append((block(i, "norm2.weight"), [d]))
            out.append((block(i, "norm2.bias"), [d]))
            out.append((block(i, "mlp.fc1.weight"), [c.mlpHidden, d]))
            out.append((block(i, "mlp.fc1.bias"), [c.mlpHidden]))
            out.append((block(i, "mlp.fc2.weight"), [d, c.mlpHidden]))
            out.append((block(i, "mlp.fc2.bias"), [d]))
        }
        out.append((normWeight, [d]))
        out.append((normBias, [d]))
        out.append((headWeight, [c.numClasses, d]))
        out.append((headBias, [c.numClasses]))
        if c.auxHead {
            out.append((auxWeight, [c.numClasses, d]))
            out.append((auxBias, [c.numClasses]))
        }
        if case .twoStage = spec {
            out.append((reuseNormWeight, [d]))
            out.append((reuseNormBias, [d]))
            out.append((reuseFc1Weight, [c.mlpHidden, d]))
            out.append((reuseFc1Bias, [c.mlpHidden]))
            out.append((reuseFc2Weight, [d, c.mlpHidden]))
            out.append((reuseFc2Bias, [d]))
        }
        return out
    }
}
