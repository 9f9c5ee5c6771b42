import Checkpoint
import Tensor

/// A plain vision transformer (the DeiT-S / LV-ViT-S baselines).
public final class VisionTransformer {
    public let config: ViTConfig
    public let compute: ComputeSettings
    let weights: ModelWeights
    let backbone: Backbone
    private var workers: [Backbone] = []

    /// Outputs of one forward pass. Optional taps are filled only when asked for.
    public struct Output {
        /// [B, classes]
        public var logits: Tensor
        /// Final-norm output of every token, [B, N, D] (`features` tap).
        public var features: Tensor?
        /// Post-softmax attention of each block, [B, heads, N, N] (`attention` tap).
        public var attention: [Tensor]?
    }

    /// Builds the model from a state dict in the upstream layout; throws a `ModelLoadError`
    /// naming every missing / unexpected / mis-shaped tensor. Every forward runs under
    /// `compute` (threads and strategy).
    public init(config: ViTConfig, stateDict: StateDict, compute: ComputeSettings = ComputeSettings()) throws {
        try ModelLoader.check(stateDict, spec: .vit(config))
        self.config = config
        self.compute = compute
        weights = ModelWeights(stateDict, spec: .vit(config))
        backbone = Backbone(config: config, weights: weights)
    }

    /// images: [B, C, S, S] normalized, S = config.imageSize → Output. Without taps, a batch
    /// is split across threads when `compute` says so (one backbone with its own buffers each).
    public func forward(_ images: Tensor, features: Bool = false, attention: Bool = false) -> Output {
        let c = config
        precondition(images.rank == 4 && images.shape[1] == c.inChannels && images.shape[2] == c.imageSize
                     && images.shape[3] == c.imageSize,
                     "expected [B, \(c.inChannels), \(c.imageSize), \(c.imageSize)], got \(images.shape)")
        let batch = images.shape[0]
        return compute.run {
            guard compute.splitsImages(batch: batch), !features, !attention else {
                return forward(images, features: features, attention: attention, on: backbone)
            }
            let n = min(compute.threads, batch)
            while workers.count < n { workers.append(Backbone(config: config, weights: weights)) }
            let parts = ImageSplit.run(batch: batch, workers: n) { w, range in
                forward(images.slice(range), features: false, attention: false, on: workers[w]).logits
            }
            return Output(logits: .concatenate(parts), features: nil, attention: nil)
        }
    }

    private func forward(_ images: Tensor, features: Bool, attention: Bool, on backbone: Backbone) -> Output {
        let c = config
        let batch = images.shape[0]
        let n = c.numTokens, d = c.embedDim
        let ws = backbone.workspace
        let x = ws.buffer(.tokens, batch * n * d)
        let patches = ws.buffer(.embedded, batch * c.numPatches * d)
        images.withUnsafePointer { backbone.embedAllPatches($0, batch: batch, size: c.imageSize, patches) }
        backbone.assembleTokens(patches: patches, batch: batch, patchCount: c.numPatches,
                                pos: backbone.weights.posEmbed[0], x)
        var maps: [Tensor] = []
        backbone.runBlocks(x, batch: batch, tokens: n, mapTap: attention ? { _, m in
            maps.append(Tensor(shape: [batch, c.numHeads, n, n],
                               scalars: Array(UnsafeBufferPointer(start: m, count: batch * c.numHeads * n * n))))
        } : nil)
        let normed = ws.buffer(.norm, batch * n * d)
        backbone.finalNorm(x, rows: batch * n, normed)
        var logits = Tensor(zeros: [batch, c.numClasses])
        logits.withUnsafeMutablePointer { backbone.classify(normed: normed, batch: batch, tokens: n, $0) }
        let feats = features
            ? Tensor(shape: [batch, n, d], scalars: Array(UnsafeBufferPointer(start: normed, count: batch * n * d)))
            : nil
        return Output(logits: logits, features: feats, attention: attention ? maps : nil)
    }
}
