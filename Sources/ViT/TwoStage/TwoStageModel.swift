import Checkpoint
import Domain
import Tensor

/// CF-ViT and LF-ViT (see `TwoStageEngine` for the method). When `compute` says so, batches
/// are cut into micro-batches that one engine per thread takes in turn (`ImageSplit`).
public final class TwoStageModel {
    public let config: TwoStageConfig
    /// Threads and strategy every forward runs under.
    public let compute: ComputeSettings
    let weights: ModelWeights
    private let main: TwoStageEngine
    private var workers: [TwoStageEngine] = []

    /// Both stages for every image (accuracy mode and the η sweep).
    public struct Output {
        /// [B, classes]
        public var stage1Logits: Tensor
        /// [B, classes]
        public var stage2Logits: Tensor
        /// Each image's stage-2 token layout; its selection (with the scores) is public.
        var layouts: [Stage2Layout]
        public var selections: [RegionSelection] { layouts.map(\.selection) }
        /// Stage-1 scores that ranked the cells, [B, Nc] (each selection carries its image's row).
        public var scores: Tensor {
            let g = layouts.first?.selection.gridSide ?? 0
            return Tensor(shape: [layouts.count, g * g], scalars: layouts.flatMap { $0.selection.gcaScores ?? [] })
        }
        /// Taps for parity checks: stage-1 final-norm features [B, Nc+1, D] and the assembled
        /// stage-2 input sequence [B, N2, D].
        public var stage1Features: Tensor?
        public var stage2Tokens: Tensor?
    }

    /// Real early exit at threshold η.
    public struct EarlyExitOutput {
        /// Stage-1 logits for the images that exit, stage-2 logits for the others. [B, classes]
        public var logits: Tensor
        /// Max softmax probability of stage 1 (float32), [B].
        public var stage1Confidence: [Float]
        /// True where the image stopped after stage 1.
        public var exited: [Bool]
        /// Selections of the images that went on to stage 2 (nil for those that exited).
        public var selections: [RegionSelection?]
    }

    public init(config: TwoStageConfig, stateDict: StateDict, compute: ComputeSettings = ComputeSettings()) throws {
        try ModelLoader.check(stateDict, spec: .twoStage(config))
        self.config = config
        self.compute = compute
        weights = ModelWeights(stateDict, spec: .twoStage(config))
        main = TwoStageEngine(config: config, weights: weights)
    }

    /// Engines for the worker threads; they share the weights, not the buffers.
    private func engines(_ n: Int) -> [TwoStageEngine] {
        while workers.count < n { workers.append(TwoStageEngine(config: config, weights: weights)) }
        return Array(workers.prefix(n))
    }

    /// Both stages for every image. images: [B, C, S, S] normalized full-resolution input;
    /// `lowRes` ([B, C, S/2, S/2]) replaces the internal bilinear downsample (to feed a
    /// reference's exact stage-1 input); `imageKeys` seed the random-region ablation per image
    /// (default: position in the batch); `taps` keeps stage-1 features and stage-2 tokens.
    public func forward(_ images: Tensor, lowRes: Tensor? = nil, imageKeys: [UInt64]? = nil,
                        taps: Bool = false) -> Output {
        let batch = images.shape[0]
        let keys = imageKeys ?? (0..<batch).map(UInt64.init)
        return compute.run {
            guard compute.splitsImages(batch: batch), lowRes == nil, !taps else {
                return main.forward(images, lowRes: lowRes, imageKeys: keys, taps: taps)
            }
            let pool = engines(min(compute.threads, batch))
            let done = ImageSplit.run(batch: batch, workers: pool.count) { w, range in
                pool[w].forward(images.slice(range), imageKeys: Array(keys[range]))
            }
            return Output(stage1Logits: .concatenate(done.map(\.stage1Logits)),
                          stage2Logits: .concatenate(done.map(\.stage2Logits)),
                          layouts: done.flatMap(\.layouts), stage1Features: nil, stage2Tokens: nil)
        }
    }

    /// Stage 1 on the whole batch; stage 2 only on the images whose stage-1 confidence is below
    /// η (`ExitRule`, the float32 test of `forward_early_exit`). Batches where every image
    /// exits, or none does, are fine.
    public func forwardEarlyExit(_ images: Tensor, threshold eta: Double, imageKeys: [UInt64]? = nil) -> EarlyExitOutput {
        let batch = images.shape[0]
        let keys = imageKeys ?? (0..<batch).map(UInt64.init)
        return compute.run {
            guard compute.splitsImages(batch: batch) else {
                return main.forwardEarlyExit(images, threshold: eta, imageKeys: keys)
            }
            let pool = engines(min(compute.threads, batch))
            let done = ImageSplit.run(batch: batch, workers: pool.count) { w, range in
                pool[w].forwardEarlyExit(images.slice(range), threshold: eta, imageKeys: Array(keys[range]))
            }
            return EarlyExitOutput(logits: .concatenate(done.map(\.logits)),
                                   stage1Confidence: done.flatMap(\.stage1Confidence),
                                   exited: done.flatMap(\.exited), selections: done.flatMap(\.selections))
        }
    }
}
