import Foundation

extension FLOPs {
    /// The parts of a stage's cost, in forward order. Each is what fvcore attributes to the
    /// corresponding module of the official models.
    public enum Component: String, CaseIterable, Codable, Sendable {
        /// LV-ViT stem: conv7×7 s2 (3→C) and two conv3×3 (C→C), no bias.
        case stemConvs = "stem-convs"
        /// The three BatchNorms of the LV-ViT stem (2 or 5 per element by convention).
        case stemBatchNorm = "stem-bn"
        /// The patch projection conv (DeiT: k = patch on the image; LV-ViT: k = patch/2 on the
        /// stem output). Stage 2 embeds every full-resolution patch, selected or not.
        case patchEmbed = "patch-embed"
        /// Feature reuse: LayerNorm over the stage-1 patch tokens.
        case reuseLayerNorm = "reuse-ln"
        /// Feature reuse: fc1 + fc2 over the stage-1 patch tokens.
        case reuseMLP = "reuse-mlp"
        /// Feature reuse: nearest 2× upsample to the full-resolution grid.
        case upsample
        /// qkv, proj, fc1, fc2 of every block.
        case blockLinear = "block-linear"
        /// q·kᵀ and attn·v of every block.
        case attentionMatmul = "attention-matmul"
        /// The two LayerNorms of every block.
        case blockLayerNorm = "block-ln"
        /// The final LayerNorm (over every token: fvcore counts the whole tensor).
        case finalLayerNorm = "final-ln"
        /// The class head on the class token.
        case head
        /// LV-ViT's auxiliary head on every patch token.
        case auxHead = "aux-head"
    }

    public struct Part: Equatable, Sendable {
        public var component: Component
        public var flops: Int
        /// False for a part the chosen options leave out of the total (LF-ViT's focus head).
        public var counted: Bool
    }

    public struct Stage: Equatable, Sendable {
        /// 1 or 2.
        public var index: Int
        /// Sequence length through the blocks, class token included.
        public var tokens: Int
        /// Patches the stage embeds (stage 2: all full-resolution patches).
        public var embeddedPatches: Int
        public var parts: [Part]
        /// Sum of the counted parts.
        public var total: Int { parts.filter(\.counted).reduce(0) { $0 + $1.flops } }

        public func flops(_ component: Component) -> Int? {
            parts.first { $0.component == component }.map(\.flops)
        }
    }

    public struct Report: Equatable, Sendable {
        public var options: Options
        public var stages: [Stage]
        /// Running sums of the stage totals: the checkpoint-style `flops` list.
        public var cumulative: [Int] {
            var sum = 0
            return stages.map { sum += $0.total; return sum }
        }
    }

    /// The stage-by-stage, component-by-component count of what the official models compute.
    public static func report(_ spec: ModelSpec, options: Options = Options()) throws -> Report {
        let problems = spec.problems()
        guard problems.isEmpty else { throw InvalidModel(problems: problems) }
        let rule = options.convention
        switch spec {
        case let .vit(vit):
            let stage = encoderStage(index: 1, vit, imageSize: vit.imageSize, tokens: vit.numTokens,
                                     rule, classifierCounted: true)
            return Report(options: options, stages: [stage])
        case let .twoStage(ts):
            let b = ts.backbone
            // Stage 1: the same network on the half-size image, Nc + 1 tokens.
            let s1 = encoderStage(index: 1, b, imageSize: ts.coarseImageSize, tokens: ts.coarseCells + 1,
                                  rule, classifierCounted: true)
            // Stage 2: all 4Nc full-resolution patches are embedded; the blocks run on the
            // selected sequence (stage2Tokens handles k rounding, m, K ratio, dropped tokens).
            let counted = options.countStage2Classifier ?? officialCountsStage2Classifier(ts.method)
            var s2 = encoderStage(index: 2, b, imageSize: b.imageSize, tokens: ts.stage2Tokens,
                                  rule, classifierCounted: counted)
            if ts.featureReuse {
                let nc = ts.coarseCells, d = b.embedDim
                let reuse = [
                    Part(component: .reuseLayerNorm, flops: layerNorm(elements: nc * d, rule), counted: true),
                    // x: [Nc, D] → [Nc, M] → [Nc, D]
                    Part(component: .reuseMLP, flops: linear(rows: nc, b.embedDim, b.mlpHidden)
                            + linear(rows: nc, b.mlpHidden, b.embedDim), counted: true),
                    // [D, g, g] → [D, 2g, 2g]
                    Part(component: .upsample,
                         flops: b.numPatches * d * rule.upsamplePerOutputElement, counted: true),
                ]
                let at = s2.parts.firstIndex { $0.component == .patchEmbed }.map { $0 + 1 } ?? 0
                s2.parts.insert(contentsOf: reuse, at: at)
            }
            return Report(options: options, stages: [s1, s2])
        }
    }

    // MARK: Op counts (fvcore handles)

    /// `aten::linear` / `addmm`: rows · in · out, bias free.
    static func linear(rows: Int, _ inFeatures: Int, _ outFeatures: Int) -> Int {
        rows * inFeatures * outFeatures
    }

    /// `aten::_convolution`: output elements · Cin · kh · kw, bias free, padding ignored.
    static func convolution(outSide: Int, inChannels: Int, outChannels: Int, kernel: Int) -> Int {
        outSide * outSide * outChannels * inChannels * kernel * kernel
    }

    static func layerNorm(elements: Int, _ rule: Convention) -> Int {
        elements * rule.layerNormPerElement
    }

    /// Embedding, blocks, final norm and classifier of one pass over `imageSize` pixels with a
    /// sequence of `tokens` (class token included) through the blocks.
    static func encoderStage(index: Int, _ b: ViTConfig, imageSize: Int, tokens n: Int,
                             _ rule: Convention, classifierCounted: Bool) -> Stage {
        let d = b.embedDim, grid = imageSize / b.patchSize
        var parts: [Part] = []
        switch b.stem {
        case .patch:
            // [3, s, s] → [D, s/p, s/p]
            parts.append(Part(component: .patchEmbed,
                              flops: convolution(outSide: grid, inChannels: b.inChannels, outChannels: d,
                                          kernel: b.patchSize), counted: true))
        case .lvvit:
            // [3, s, s] → conv7×7 s2 → [C, s/2, s/2] → conv3×3 ×2 → proj k = p/2 → [D, s/p, s/p]
            let side = imageSize / 2, c = b.stemChannels
            let convs = convolution(outSide: side, inChannels: b.inChannels, outChannels: c, kernel: 7)
                + 2 * convolution(outSide: side, inChannels: c, outChannels: c, kernel: 3)
            parts.append(Part(component: .stemConvs, flops: convs, counted: true))
            parts.append(Part(component: .stemBatchNorm,
                              flops: 3 * side * side * c * rule.batchNormPerElement, counted: true))
            parts.append(Part(component: .patchEmbed,
                              flops: convolution(outSide: grid, inChannels: c, outChannels: d,
                                          kernel: b.patchSize / 2), counted: true))
        }
        // Per block: qkv [N, D] → [N, 3D], proj [N, D] → [N, D], fc1/fc2 [N, D] ↔ [N, M];
        // per head q·kᵀ [N, hd]·[hd, N] and attn·v [N, N]·[N, hd] → 2·N²·D over the heads.
        let perBlockLinear = linear(rows: n, d, 3 * d) + linear(rows: n, d, d)
            + linear(rows: n, d, b.mlpHidden) + linear(rows: n, b.mlpHidden, d)
        parts.append(Part(component: .blockLinear, flops: b.depth * perBlockLinear, counted: true))
        parts.append(Part(component: .attentionMatmul, flops: b.depth * 2 * n * n * d, counted: true))
        parts.append(Part(component: .blockLayerNorm,
                          flops: b.depth * 2 * layerNorm(elements: n * d, rule), counted: true))
        parts.append(Part(component: .finalLayerNorm, flops: layerNorm(elements: n * d, rule), counted: true))
        parts.append(Part(component: .head, flops: linear(rows: 1, d, b.numClasses),
                          counted: classifierCounted))
        if b.auxHead {
            // x[:, 1:]: [N − 1, D] → [N − 1, classes]
            parts.append(Part(component: .auxHead, flops: linear(rows: n - 1, d, b.numClasses),
                              counted: classifierCounted))
        }
        return Stage(index: index, tokens: n, embeddedPatches: grid * grid, parts: parts)
    }
}
