import Tensor

/// The shared pieces of every model: embedding, the block stack, final norm and head(s).
/// A plain ViT runs them once; CF-ViT / LF-ViT run them twice with different token sets.
/// Port of: timm `VisionTransformer` / `Block` / `Attention` / `Mlp` (pre-norm blocks,
/// fused_attn off), the DeiT-S and LV-ViT variants of spec/cf-vit.md §1.
final class Backbone {
    let config: ViTConfig
    let weights: ModelWeights
    let workspace = Workspace()

    init(config: ViTConfig, weights: ModelWeights) {
        self.config = config
        self.weights = weights
    }

    /// [cls ++ patches] + pos, as `cat(cls_token, x) + pos_embed` (the add after the concat).
    /// patches: [B·Np, D], pos: [1+Np, D] → out: [B, 1+Np, D]
    func assembleTokens(patches: UnsafePointer<Float>, batch: Int, patchCount np: Int,
                        pos: [Float], _ out: UnsafeMutablePointer<Float>) {
        let d = config.embedDim
        let n = np + 1
        pos.withUnsafeBufferPointer { pos in
            weights.clsToken.withUnsafeBufferPointer { cls in
                parallelRanges(batch) { range in
                    for b in range {
                        let seq = out + b * n * d
                        for j in 0..<d { seq[j] = cls[j] + pos[j] }
                        for i in 0..<np {
                            let src = patches + (b * np + i) * d
                            let dst = seq + (1 + i) * d
                            let pr = pos.baseAddress! + (1 + i) * d
                            for j in 0..<d { dst[j] = src[j] + pr[j] }
                        }
                    }
                }
            }
        }
    }

    /// Runs every block in place on a batch of token sequences.
    /// x: [B, N, D] → x. `clsTap(l, rows)` sees block l's class-token attention rows
    /// [B, H, N]; `mapTap(l, maps)` its full post-softmax maps [B, H, N, N] (tests, figures).
    func runBlocks(_ x: UnsafeMutablePointer<Float>, batch: Int, tokens n: Int,
                   clsTap: ((Int, UnsafePointer<Float>) -> Void)? = nil,
                   mapTap: ((Int, UnsafePointer<Float>) -> Void)? = nil) {
        let c = config
        let d = c.embedDim, rows = batch * n
        let norm = workspace.buffer(.norm, rows * d)
        let qkv = workspace.buffer(.qkv, rows * 3 * d)
        let attn = workspace.buffer(.attention, rows * d)
        let hidden = workspace.buffer(.hidden, rows * c.mlpHidden)
        let attentionWorkers = Attention.workers(tasks: batch * c.numHeads)
        let scratch = workspace.buffer(.scratch, Attention.scratchCount(tokens: n, workers: attentionWorkers))
        let clsRows = clsTap == nil ? nil : workspace.buffer(.clsRows, batch * c.numHeads * n)
        var maps: [Float] = mapTap == nil ? [] : [Float](repeating: 0, count: batch * c.numHeads * n * n)
        let scale = 1 / Float(c.headDim).squareRoot()
        let r = c.residualScale
        for (l, w) in weights.blocks.enumerated() {
            // x = x + r·proj(attn(LN1(x)))
            LayerNorm.forward(x, rows: rows, dim: d, gamma: w.norm1Weight, beta: w.norm1Bias, eps: c.layerNormEps, norm)
            Linear.forward(norm, rows: rows, inFeatures: d, weight: w.qkvWeight, bias: w.qkvBias,
                           outFeatures: 3 * d, qkv)
            maps.withUnsafeMutableBufferPointer { m in
                Attention.forward(qkv: qkv, batch: batch, tokens: n, heads: c.numHeads, headDim: c.headDim,
                                  scale: scale, workers: attentionWorkers, out: attn, scratch: scratch,
                                  probs: mapTap == nil ? nil : m.baseAddress, clsRows: clsRows)
                if let mapTap { mapTap(l, m.baseAddress!) }
            }
            if let clsTap, let clsRows { clsTap(l, clsRows) }
            Linear.forward(attn, rows: rows, inFeatures: d, weight: w.projWeight, bias: w.projBias,
                           outFeatures: d, x, accumulate: true, scale: r)
            // x = x + r·fc2(gelu(fc1(LN2(x))))
            LayerNorm.forward(x, rows: rows, dim: d, gamma: w.norm2Weight, beta: w.norm2Bias, eps: c.layerNormEps, norm)
            Linear.forward(norm, rows: rows, inFeatures: d, weight: w.fc1Weight, bias: nil,
                           outFeatures: c.mlpHidden, hidden)
            GELU.biasInPlace(hidden, rows: rows, width: c.mlpHidden, bias: w.fc1Bias)
            Linear.forward(hidden, rows: rows, inFeatures: c.mlpHidden, weight: w.fc2Weight, bias: w.fc2Bias,
                           outFeatures: d, x, accumulate: true, scale: r)
        }
    }

    /// Final LayerNorm over every token. x: [rows, D] → out: [rows, D]
    func finalNorm(_ x: UnsafePointer<Float>, rows: Int, _ out: UnsafeMutablePointer<Float>) {
        LayerNorm.forward(x, rows: rows, dim: config.embedDim, gamma: weights.normWeight, beta: weights.normBias,
                          eps: config.layerNormEps, out)
    }

    /// Classifier on normed sequences. normed: [B, N, D] (after `finalNorm`) → logits: [B, classes]
    /// DeiT: head(x[:, 0]). LV-ViT: head(x[:, 0]) + auxWeight·max_tokens aux_head(x[:, 1:]),
    /// then divided by `divisor` (1.25 for CF-ViT's LV-ViT stage 1, spec/cf-vit.md §3).
    func classify(normed: UnsafePointer<Float>, batch: Int, tokens n: Int,
                  _ logits: UnsafeMutablePointer<Float>, divisor: Float = 1) {
        let c = config
        let d = c.embedDim, k = c.numClasses
        let cls = workspace.buffer(.head, batch * d)
        for b in 0..<batch { (cls + b * d).update(from: normed + b * n * d, count: d) }
        Linear.forward(cls, rows: batch, inFeatures: d, weight: weights.headWeight, bias: weights.headBias,
                       outFeatures: k, logits)
        guard c.auxHead, let auxW = weights.auxWeight, let auxB = weights.auxBias, n > 1 else { return }
        let aux = workspace.buffer(.aux, (n - 1) * k)
        for b in 0..<batch {
            // aux: [N−1, classes] for image b's patch tokens; max over tokens per class.
            Linear.forward(normed + (b * n + 1) * d, rows: n - 1, inFeatures: d, weight: auxW, bias: auxB,
                           outFeatures: k, aux)
            let row = logits + b * k
            for j in 0..<k {
                var m = aux[j]
                for t in 1..<(n - 1) { m = max(m, aux[t * k + j]) }
                row[j] = row[j] + c.auxWeight * m
                if divisor != 1 { row[j] = row[j] / divisor }
            }
        }
    }
}
