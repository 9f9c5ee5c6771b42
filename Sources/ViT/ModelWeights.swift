import Checkpoint
import Tensor

/// Weights of one pre-norm transformer block (PyTorch [out, in] layouts).
struct BlockWeights {
    var norm1Weight: [Float], norm1Bias: [Float]
    var qkvWeight: LinearWeight, qkvBias: [Float]?
    var projWeight: LinearWeight, projBias: [Float]
    var norm2Weight: [Float], norm2Bias: [Float]
    var fc1Weight: LinearWeight, fc1Bias: [Float]
    var fc2Weight: LinearWeight, fc2Bias: [Float]
}

/// BatchNorm2d running statistics and affine parameters.
struct BatchNormWeights {
    var weight: [Float], bias: [Float], runningMean: [Float], runningVar: [Float]
}

/// The patch embedding: one strided conv (DeiT) or LV-ViT's conv stem + projection.
enum StemWeights {
    /// proj: [D, C·p·p] (the conv weight flattened in (c, i, j) order) and [D].
    case patch(projWeight: LinearWeight, projBias: [Float])
    case lvvit(convs: [[Float]], norms: [BatchNormWeights], projWeight: [Float], projBias: [Float])
}

/// The feature-reuse block of the two-stage models: LayerNorm then MLP (no residual).
struct ReuseWeights {
    var normWeight: [Float], normBias: [Float]
    var fc1Weight: LinearWeight, fc1Bias: [Float]
    var fc2Weight: LinearWeight, fc2Bias: [Float]
}

/// All parameters of a model, bound from a checkpoint by `KeyMap` names.
struct ModelWeights {
    var clsToken: [Float]
    /// One table for a plain ViT; [stage 1, stage 2] for the two-stage models. Each [N, D].
    var posEmbed: [[Float]]
    var stem: StemWeights
    var blocks: [BlockWeights]
    var normWeight: [Float], normBias: [Float]
    var headWeight: LinearWeight, headBias: [Float]
    var auxWeight: [Float]?, auxBias: [Float]?
    var reuse: ReuseWeights?

    /// Binds a validated state dict. The caller has checked keys and shapes against
    /// `KeyMap.layout(for:)`, so every lookup here succeeds.
    init(_ sd: StateDict, spec: ModelSpec) {
        let c = spec.backbone
        func t(_ key: String) -> [Float] { sd[key]!.scalars }
        // A Linear (or conv-as-GEMM) weight [out, …]: packed once for the GEMM kernel.
        func lw(_ key: String) -> LinearWeight {
            let values = sd[key]!.scalars, out = sd[key]!.shape[0]
            return LinearWeight(values, outFeatures: out, inFeatures: values.count / out)
        }
        clsToken = t(KeyMap.clsToken)
        switch spec {
        case .vit: posEmbed = [t(KeyMap.posEmbed)]
        case .twoStage: posEmbed = [t(KeyMap.posEmbed(stage: 0)), t(KeyMap.posEmbed(stage: 1))]
        }
        switch c.stem {
        case .patch:
            stem = .patch(projWeight: lw(KeyMap.patchProjWeight), projBias: t(KeyMap.patchProjBias))
        case .lvvit:
            stem = .lvvit(
                convs: (1...3).map { t(KeyMap.stemConv($0)) },
                norms: (1...3).map {
                    BatchNormWeights(weight: t(KeyMap.stemBN($0, "weight")), bias: t(KeyMap.stemBN($0, "bias")),
                                     runningMean: t(KeyMap.stemBN($0, "running_mean")),
                                     runningVar: t(KeyMap.stemBN($0, "running_var")))
                },
                projWeight: t(KeyMap.patchProjWeight), projBias: t(KeyMap.patchProjBias))
        }
        blocks = (0..<c.depth).map { i in
            BlockWeights(
                norm1Weight: t(KeyMap.block(i, "norm1.weight")), norm1Bias: t(KeyMap.block(i, "norm1.bias")),
                qkvWeight: lw(KeyMap.block(i, "attn.qkv.weight")),
                qkvBias: c.qkvBias ? t(KeyMap.block(i, "attn.qkv.bias")) : nil,
                projWeight: lw(KeyMap.block(i, "attn.proj.weight")), projBias: t(KeyMap.block(i, "attn.proj.bias")),
                norm2Weight: t(KeyMap.block(i, "norm2.weight")), norm2Bias: t(KeyMap.block(i, "norm2.bias")),
                fc1Weight: lw(KeyMap.block(i, "mlp.fc1.weight")), fc1Bias: t(KeyMap.block(i, "mlp.fc1.bias")),
                fc2Weight: lw(KeyMap.block(i, "mlp.fc2.weight")), fc2Bias: t(KeyMap.block(i, "mlp.fc2.bias")))
        }
        normWeight = t(KeyMap.normWeight)
        normBias = t(KeyMap.normBias)
        headWeight = lw(KeyMap.headWeight)
        headBias = t(KeyMap.headBias)
        auxWeight = c.auxHead ? t(KeyMap.auxWeight) : nil
        auxBias = c.auxHead ? t(KeyMap.auxBias) : nil
        if case .twoStage = spec {
            reuse = ReuseWeights(normWeight: t(KeyMap.reuseNormWeight), normBias: t(KeyMap.reuseNormBias),
                                 fc1Weight: lw(KeyMap.reuseFc1Weight), fc1Bias: t(KeyMap.reuseFc1Bias),
                                 fc2Weight: lw(KeyMap.reuseFc2Weight), fc2Bias: t(KeyMap.reuseFc2Bias))
        } else {
            reuse = nil
        }
    }
}

extension StateDict {
    /// Seeded random weights in the upstream layout of `spec`, scaled so that activations stay
    /// O(1) and softmax outputs are not uniform (for benchmarks and property tests).
    public static func random(for spec: ModelSpec, seed: UInt64) -> StateDict {
        var sd = StateDict()
        for (i, entry) in KeyMap.layout(for: spec).enumerated() {
            let key = entry.key, shape = entry.shape
            let s = seed &+ UInt64(i) &* 0x9E37_79B9
            let t: Tensor
            if key.hasSuffix("running_var") {
                t = Tensor.randomUniform(shape, in: 0.5...1.5, seed: s)
            } else if key.hasSuffix("running_mean") {
                t = Tensor.randomNormal(shape, std: 0.1, seed: s)
            } else if key.contains("norm") || key.contains("bn") || key.hasPrefix("reuse_block.0") {
                t = key.hasSuffix("weight")
                    ? Tensor(shape: shape, scalars: Tensor.randomNormal(shape, std: 0.1, seed: s).scalars.map { 1 + $0 })
                    : Tensor.randomNormal(shape, std: 0.1, seed: s)
            } else if key.hasSuffix("bias") {
                t = Tensor.randomNormal(shape, std: 0.02, seed: s)
            } else if key == KeyMap.clsToken || key.hasPrefix("pos_embed") {
                t = Tensor.randomNormal(shape, std: 0.5, seed: s)
            } else {
                let fanIn = shape.dropFirst().reduce(1, *)
                let std: Float = key.hasPrefix("head") || key.hasPrefix("aux_head") ? 2 : 1
                t = Tensor.randomNormal(shape, std: std / Float(fanIn).squareRoot(), seed: s)
            }
            sd[key] = t
        }
        return sd
    }
}
