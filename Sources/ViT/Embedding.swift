import Tensor

/// Patch embedding: DeiT's single strided conv or LV-ViT's conv stem, as im2col + GEMM.
/// Port of: timm `PatchEmbed` and LV-ViT `PatchEmbed4_2` (CF-ViT lvvit/models/layers.py:92-135).
extension Backbone {
    /// Embeds every patch of a batch of images.
    /// images: [B, C, S, S] → out: [B·(S/p)², D] (row-major patch order, as flatten(2).transpose(1,2))
    func embedAllPatches(_ images: UnsafePointer<Float>, batch: Int, size: Int, _ out: UnsafeMutablePointer<Float>) {
        let c = config
        switch weights.stem {
        case let .patch(projWeight, projBias):
            let p = c.patchSize
            let rows = batch * (size / p) * (size / p)
            let cols = workspace.buffer(.columns, rows * c.inChannels * p * p)
            Conv2D.im2colNCHW(images, batch: batch, channels: c.inChannels, height: size, width: size,
                              kernel: p, stride: p, padding: 0, cols)
            Linear.forward(cols, rows: rows, inFeatures: c.inChannels * p * p, weight: projWeight, bias: projBias,
                           outFeatures: c.embedDim, out)
        case let .lvvit(convs, norms, projWeight, projBias):
            lvvitStem(images, batch: batch, size: size, convs: convs, norms: norms,
                      projWeight: projWeight, projBias: projBias, out)
        }
    }

    /// Embeds only the listed patches of each image (the patch stem's tokens are independent,
    /// so stage 2 skips the patches it will not use; results equal `embedAllPatches` rows).
    /// images: [B, C, S, S], indices[b]: patch indices of image b → out: [Σ_b |indices[b]|, D]
    func embedPatches(_ images: UnsafePointer<Float>, batch: Int, size: Int, indices: [[Int]],
                      _ out: UnsafeMutablePointer<Float>) {
        let c = config
        let grid = size / c.patchSize
        let total = indices.reduce(0) { $0 + $1.count }
        guard case let .patch(projWeight, projBias) = weights.stem else {
            // The conv stem mixes neighbouring pixels: embed everything, then gather.
            let all = workspace.buffer(.embedded, batch * grid * grid * c.embedDim)
            embedAllPatches(images, batch: batch, size: size, all)
            var row = 0
            for b in 0..<batch {
                for i in indices[b] {
                    (out + row * c.embedDim).update(from: all + (b * grid * grid + i) * c.embedDim, count: c.embedDim)
                    row += 1
                }
            }
            return
        }
        let p = c.patchSize
        let width = c.inChannels * p * p
        let cols = workspace.buffer(.columns, max(total, 1) * width)
        var starts: [Int] = []
        var acc = 0
        for list in indices { starts.append(acc); acc += list.count }
        parallelRanges(batch) { range in
            for b in range {
                let image = images + b * c.inChannels * size * size
                for (j, idx) in indices[b].enumerated() {
                    let py = idx / grid, px = idx % grid
                    let dst = cols + (starts[b] + j) * width
                    for ch in 0..<c.inChannels {
                        for i in 0..<p {
                            (dst + (ch * p + i) * p).update(from: image + (ch * size + py * p + i) * size + px * p, count: p)
                        }
                    }
                }
            }
        }
        Linear.forward(cols, rows: total, inFeatures: width, weight: projWeight, bias: projBias,
                       outFeatures: c.embedDim, out)
    }

    /// conv7×7 s2 p3 → BN → ReLU → (conv3×3 s1 p1 → BN → ReLU)×2 → proj k = s = patch/2.
    private func lvvitStem(_ images: UnsafePointer<Float>, batch: Int, size: Int, convs: [[Float]],
                           norms: [BatchNormWeights], projWeight: [Float], projBias: [Float],
                           _ out: UnsafeMutablePointer<Float>) {
        let c = config
        let s = c.stemChannels
        let h1 = Conv2D.outputSize(size, kernel: 7, stride: 2, padding: 3)
        let rows = batch * h1 * h1
        let eps: Float = 1e-5  // nn.BatchNorm2d default, as LV-ViT uses
        var cols = workspace.buffer(.columns, rows * max(c.inChannels * 49, s * 9))
        let a = workspace.buffer(.stem1, rows * s)
        let b = workspace.buffer(.stem2, rows * s)
        // x: [B, C, S, S] → a: [B·h1·h1, s]
        Conv2D.im2colNCHW(images, batch: batch, channels: c.inChannels, height: size, width: size,
                          kernel: 7, stride: 2, padding: 3, cols)
        Linear.forward(cols, rows: rows, inFeatures: c.inChannels * 49, weight: convs[0], bias: nil, outFeatures: s, a)
        batchNorm(a, rows: rows, norms[0], eps: eps)
        // a → b → a: two 3×3 convs on channels-last activations.
        Conv2D.im2colNHWC(a, batch: batch, channels: s, height: h1, width: h1, kernel: 3, stride: 1, padding: 1, cols)
        Linear.forward(cols, rows: rows, inFeatures: s * 9, weight: convs[1], bias: nil, outFeatures: s, b)
        batchNorm(b, rows: rows, norms[1], eps: eps)
        Conv2D.im2colNHWC(b, batch: batch, channels: s, height: h1, width: h1, kernel: 3, stride: 1, padding: 1, cols)
        Linear.forward(cols, rows: rows, inFeatures: s * 9, weight: convs[2], bias: nil, outFeatures: s, a)
        batchNorm(a, rows: rows, norms[2], eps: eps)
        // a: [B, h1, h1, s] → out: [B·(h1/k)², D] with k = patch/2
        let k = c.patchSize / 2
        let grid = h1 / k
        cols = workspace.buffer(.columns, batch * grid * grid * s * k * k)
        Conv2D.im2colNHWC(a, batch: batch, channels: s, height: h1, width: h1, kernel: k, stride: k, padding: 0, cols)
        Linear.forward(cols, rows: batch * grid * grid, inFeatures: s * k * k, weight: projWeight, bias: projBias,
                       outFeatures: c.embedDim, out)
    }

    private func batchNorm(_ x: UnsafeMutablePointer<Float>, rows: Int, _ n: BatchNormWeights, eps: Float) {
        BatchNorm.evalInPlace(x, rows: rows, channels: n.weight.count, mean: n.runningMean, variance: n.runningVar,
                              gamma: n.weight, beta: n.bias, eps: eps, relu: true)
    }
}
