import Domain
import Tensor

/// One thread's CF-ViT / LF-ViT: a coarse stage-1 pass over the image downsampled 2×, an exit
/// test, and a stage-2 pass over a mixed sequence of full-resolution tokens (for the selected
/// cells) and stage-1 input tokens (for the rest), with the stage-1 features reused.
/// `TwoStageModel` spreads batches over several engines.
/// Port of: github.com/ChenMnZ/CF-ViT deit/models_deit.py `CFVisionTransformer.forward` /
/// `forward_early_exit` (commit 84a05dd) and github.com/edgeai1/LF-ViT deit/models_deit.py
/// (commit 1b44ff3), as specified in spec/cf-vit.md §2–§7 and spec/lf-vit.md §3–§5.
final class TwoStageEngine {
    let config: TwoStageConfig
    let backbone: Backbone

    init(config: TwoStageConfig, weights: ModelWeights) {
        self.config = config
        backbone = Backbone(config: config.backbone, weights: weights)
    }

    typealias Output = TwoStageModel.Output
    typealias EarlyExitOutput = TwoStageModel.EarlyExitOutput

    // MARK: Public forward paths

    /// images: [B, C, S, S] normalized full-resolution input. `lowRes` ([B, C, S/2, S/2])
    /// replaces the internal bilinear downsample (to feed a reference's exact stage-1 input).
    /// `imageKeys` seed the random-region ablation per image (default: position in the batch).
    func forward(_ images: Tensor, lowRes: Tensor? = nil, imageKeys: [UInt64]? = nil,
                 taps: Bool = false) -> Output {
        let batch = checkInput(images)
        let keys = imageKeys ?? (0..<batch).map(UInt64.init)
        let s1 = stage1(images, lowRes: lowRes, keys: keys, keepFeatures: taps)
        let layouts = s1.scores.map(select)
        let (logits2, tokensTap) = images.withUnsafePointer { img in
            stage2(images: img, batch: batch, layouts: layouts, keepTokens: taps)
        }
        return Output(stage1Logits: s1.logits, stage2Logits: logits2,
                      layouts: layouts, stage1Features: s1.features, stage2Tokens: tokensTap)
    }

    /// Stage 1 on the whole batch; stage 2 only on the images whose stage-1 confidence is below
    /// η (`ExitRule`, the float32 test of `forward_early_exit`). Batches where every image
    /// exits, or none does, are fine.
    func forwardEarlyExit(_ images: Tensor, threshold eta: Double, imageKeys: [UInt64]? = nil) -> EarlyExitOutput {
        let batch = checkInput(images)
        let keys = imageKeys ?? (0..<batch).map(UInt64.init)
        let s1 = stage1(images, lowRes: nil, keys: keys, keepFeatures: false)
        var logits = s1.logits
        let k = config.backbone.numClasses
        let confidence = (0..<batch).map { b in
            Classification.probabilities(s1.logits.scalars[(b * k)..<((b + 1) * k)]).max() ?? 0
        }
        let threshold = ExitRule.threshold(eta)
        let exited = confidence.map { ExitRule.stops(confidence: $0, threshold: threshold) }
        let rest = (0..<batch).filter { !exited[$0] }
        var selections = [RegionSelection?](repeating: nil, count: batch)
        if !rest.isEmpty {
            let chosen = rest.map { select(s1.scores[$0]) }
            for (i, b) in rest.enumerated() { selections[b] = chosen[i].selection }
            let c = config.backbone
            let imageSize = c.inChannels * c.imageSize * c.imageSize
            // Stage 2 reads images, stage-1 features and input tokens of the refined subset.
            let logits2: Tensor = images.withUnsafePointer { img in
                if rest.count == batch {
                    return stage2(images: img, batch: batch, layouts: chosen, keepTokens: false).logits
                }
                let sub = backbone.workspace.buffer(.subImages, rest.count * imageSize)
                for (i, b) in rest.enumerated() { (sub + i * imageSize).update(from: img + b * imageSize, count: imageSize) }
                compactStage1(rows: rest)
                return stage2(images: sub, batch: rest.count, layouts: chosen, keepTokens: false).logits
            }
            for (i, b) in rest.enumerated() {
                for j in 0..<k { logits.scalars[b * k + j] = logits2.scalars[i * k + j] }
            }
        }
        return EarlyExitOutput(logits: logits, stage1Confidence: confidence, exited: exited, selections: selections)
    }

    // MARK: Stage 1

    struct Stage1Result {
        var logits: Tensor
        var scores: [[Float]]
        var features: Tensor?
    }

    private func checkInput(_ images: Tensor) -> Int {
        let c = config.backbone
        precondition(images.rank == 4 && images.shape[1] == c.inChannels && images.shape[2] == c.imageSize
                     && images.shape[3] == c.imageSize,
                     "expected [B, \(c.inChannels), \(c.imageSize), \(c.imageSize)], got \(images.shape)")
        return images.shape[0]
    }

    /// Leaves in the workspace: `.stage1Input` = E1 [B, Nc+1, D] (input embeddings) and
    /// `.stage1Tokens` = final-norm features [B, Nc+1, D].
    private func stage1(_ images: Tensor, lowRes: Tensor?, keys: [UInt64], keepFeatures: Bool) -> Stage1Result {
        let c = config.backbone
        let batch = images.shape[0]
        let ws = backbone.workspace
        let lo = config.coarseImageSize
        let nc = config.coarseCells, n = nc + 1, d = c.embedDim
        let small = ws.buffer(.lowRes, batch * c.inChannels * lo * lo)
        if let lowRes {
            precondition(lowRes.shape == [batch, c.inChannels, lo, lo], "lowRes must be [B, C, \(lo), \(lo)]")
            lowRes.withUnsafePointer { small.update(from: $0, count: lowRes.count) }
        } else {
            // x_coarse = F.interpolate(x, (S/2, S/2), mode='bilinear', align_corners=True)
            images.withUnsafePointer {
                Resample.bilinearAlignCorners($0, planes: batch * c.inChannels, inH: c.imageSize, inW: c.imageSize,
                                              small, outH: lo, outW: lo)
            }
        }
        let patches = ws.buffer(.embedded, batch * nc * d)
        backbone.embedAllPatches(small, batch: batch, size: lo, patches)
        let e1 = ws.buffer(.stage1Input, batch * n * d)
        backbone.assembleTokens(patches: patches, batch: batch, patchCount: nc, pos: backbone.weights.posEmbed[0], e1)
        let x = ws.buffer(.tokens, batch * n * d)
        x.update(from: e1, count: batch * n * d)
        var scores = RegionScores(config: config, batch: batch)
        backbone.runBlocks(x, batch: batch, tokens: n, clsTap: { l, rows in scores.observe(block: l, clsRows: rows) })
        let zc = ws.buffer(.stage1Tokens, batch * n * d)
        backbone.finalNorm(x, rows: batch * n, zc)
        var logits = Tensor(zeros: [batch, c.numClasses])
        // LV-ViT's stage-1 logits are (head + 0.25·aux) / 1.25; its stage 2 is not divided.
        let divisor: Float = c.auxHead ? 1 + c.auxWeight : 1
        logits.withUnsafeMutablePointer { backbone.classify(normed: zc, batch: batch, tokens: n, $0, divisor: divisor) }
        let features = keepFeatures
            ? Tensor(shape: [batch, n, d], scalars: Array(UnsafeBufferPointer(start: zc, count: batch * n * d)))
            : nil
        return Stage1Result(logits: logits, scores: scores.scores(imageKeys: keys), features: features)
    }

    /// Moves the stage-1 rows of `rows` to the front of the stage-1 buffers (early exit).
    private func compactStage1(rows: [Int]) {
        let n = config.coarseCells + 1, d = config.backbone.embedDim
        let ws = backbone.workspace
        for slot in [Workspace.Slot.stage1Input, .stage1Tokens] {
            let p = ws.buffer(slot, 0)
            for (i, b) in rows.enumerated() where i != b {
                (p + i * n * d).update(from: p + b * n * d, count: n * d)
            }
        }
    }

    private func select(_ scores: [Float]) -> Stage2Layout {
        switch config.method {
        case .cfvit:
            return CFViTSelection.select(scores: scores, grid: config.coarseGrid, k: config.refinedCells)
        case .lfvit:
            return LFViTSelection.select(scores: scores, grid: config.coarseGrid, windowSize: config.regionSize,
                                         k: config.refinedCells, keepCoarse: config.reuseCoarseTokens)
        }
    }

    // MARK: Stage 2

    /// images: [B, C, S, S]; the workspace's stage-1 buffers hold the same B images in order.
    /// → logits [B, classes]
    private func stage2(images: UnsafePointer<Float>, batch: Int, layouts: [Stage2Layout],
                        keepTokens: Bool) -> (logits: Tensor, tokens: Tensor?) {
        let c = config.backbone
        let ws = backbone.workspace
        let d = c.embedDim, nc = config.coarseCells
        let k = config.refinedCells
        let n2 = config.stage2Tokens
        let fine = layouts.map(\.selection.fineIndices)
        // Full-resolution patch embeddings of the 4k children, in stage-2 order: [B·4k, D].
        let p2 = ws.buffer(.fineTokens, max(1, batch * 4 * k) * d)
        backbone.embedPatches(images, batch: batch, size: c.imageSize, indices: fine, p2)
        // Feature reuse on the refined cells' stage-1 features: R = MLP(LN(zc)) [B·k, D].
        let zc = ws.buffer(.stage1Tokens, batch * (nc + 1) * d)
        let reuse = ws.buffer(.reuse, max(1, batch * k) * d)
        if config.featureReuse, k > 0, let rw = backbone.weights.reuse {
            let gathered = ws.buffer(.gather, batch * k * d)
            for b in 0..<batch {
                for (j, q) in layouts[b].selection.cells.enumerated() {
                    (gathered + (b * k + j) * d).update(from: zc + (b * (nc + 1) + 1 + q) * d, count: d)
                }
            }
            let rows = batch * k
            let normed = ws.buffer(.norm, rows * d)
            LayerNorm.forward(gathered, rows: rows, dim: d, gamma: rw.normWeight, beta: rw.normBias,
                              eps: c.layerNormEps, normed)
            let hidden = ws.buffer(.hidden, rows * c.mlpHidden)
            Linear.forward(normed, rows: rows, inFeatures: d, weight: rw.fc1Weight, bias: nil,
                           outFeatures: c.mlpHidden, hidden)
            GELU.biasInPlace(hidden, rows: rows, width: c.mlpHidden, bias: rw.fc1Bias)
            Linear.forward(hidden, rows: rows, inFeatures: c.mlpHidden, weight: rw.fc2Weight, bias: rw.fc2Bias,
                           outFeatures: d, reuse)
        }
        // Assemble [cls + pos1[0], (P2 + R_up) + pos1[1 + f] for the 4k children, E1[1 + u] …].
        let e1 = ws.buffer(.stage1Input, batch * (nc + 1) * d)
        let x = ws.buffer(.tokens, batch * n2 * d)
        let pos1 = backbone.weights.posEmbed[1]
        let cls = backbone.weights.clsToken
        let reuseOn = config.featureReuse && k > 0
        pos1.withUnsafeBufferPointer { pos in
            let pos = pos.baseAddress!
            for b in 0..<batch {
                let seq = x + b * n2 * d
                for j in 0..<d { seq[j] = cls[j] + pos[j] }
                for (t, f) in fine[b].enumerated() {
                    let dst = seq + (1 + t) * d
                    let src = p2 + (b * 4 * k + t) * d
                    let r = reuse + (b * k + t % max(k, 1)) * d
                    let pr = pos + (1 + f) * d
                    if reuseOn {
                        for j in 0..<d { dst[j] = (src[j] + r[j]) + pr[j] }
                    } else {
                        for j in 0..<d { dst[j] = src[j] + pr[j] }
                    }
                }
                for (t, u) in layouts[b].coarseCells.enumerated() {
                    (seq + (1 + 4 * k + t) * d).update(from: e1 + (b * (nc + 1) + 1 + u) * d, count: d)
                }
            }
        }
        let tokens = keepTokens
            ? Tensor(shape: [batch, n2, d], scalars: Array(UnsafeBufferPointer(start: x, count: batch * n2 * d)))
            : nil
        backbone.runBlocks(x, batch: batch, tokens: n2)
        let normed = ws.buffer(.norm, batch * n2 * d)
        if c.auxHead {
            backbone.finalNorm(x, rows: batch * n2, normed)
        } else {
            // DeiT's head reads only the class token: normalise just those rows.
            for b in 0..<batch { backbone.finalNorm(x + b * n2 * d, rows: 1, normed + b * n2 * d) }
        }
        var logits = Tensor(zeros: [batch, c.numClasses])
        logits.withUnsafeMutablePointer { backbone.classify(normed: normed, batch: batch, tokens: n2, $0) }
        return (logits, tokens)
    }
}
