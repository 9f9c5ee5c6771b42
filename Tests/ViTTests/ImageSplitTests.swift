import Checkpoint
import Tensor
import Testing
@testable import ViT

struct ImageSplitTests {
    /// Every worker gets work when the batch allows it, and no micro-batch exceeds the cap.
    @Test func microBatchesAreCappedAndShared() {
        #expect(ImageSplit.size(batch: 32, workers: 2) == ImageSplit.microBatch)
        #expect(ImageSplit.size(batch: 4, workers: 2) == 2)
        #expect(ImageSplit.size(batch: 7, workers: 2) == 3)
        #expect(ImageSplit.size(batch: 3, workers: 2) == 1)
        #expect(ImageSplit.size(batch: 1, workers: 4) == 1)
        for batch in 1...40 {
            for workers in 1...3 {
                let size = ImageSplit.size(batch: batch, workers: workers)
                #expect(size >= 1 && size <= ImageSplit.microBatch)
                #expect((batch + size - 1) / size >= min(batch, workers), "batch \(batch), \(workers) workers")
            }
        }
    }

    /// The ranges cover the batch exactly once, in order.
    @Test func rangesTileTheBatchInOrder() {
        for batch in [1, 2, 5, 9, 32, 33] {
            let ranges = ImageSplit.run(batch: batch, workers: 2) { _, range in range }
            #expect(ranges.first?.lowerBound == 0)
            #expect(ranges.last?.upperBound == batch)
            #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
        }
    }

    /// A model built with image-split settings cuts the batch into micro-batches on two workers;
    /// the logits and selections are those of the one-thread model on the whole batch.
    @Test func splitBatchesMatchTheUnsplitModel() throws {
        let backbone = ViTConfig(imageSize: 56, patchSize: 4, embedDim: 16, depth: 5, numHeads: 2,
                                 mlpHidden: 32, numClasses: 7)
        let images = Tensor.randomNormal([6, 3, 56, 56], seed: 9)
        let split = ComputeSettings(threads: 2, strategy: .images)
        #expect(split.splitsImages(batch: 6))
        let vitWeights = StateDict.random(for: .vit(backbone), seed: 3)
        let plain = try VisionTransformer(config: backbone, stateDict: vitWeights).forward(images).logits
        let parts = try VisionTransformer(config: backbone, stateDict: vitWeights, compute: split).forward(images).logits
        #expect(parts.shape == plain.shape && parts.maxAbsDifference(plain) <= 1e-5)

        let config = TwoStageConfig(method: .lfvit, backbone: backbone)
        let weights = StateDict.random(for: .twoStage(config), seed: 4)
        let one = try TwoStageModel(config: config, stateDict: weights).forward(images)
        let two = try TwoStageModel(config: config, stateDict: weights, compute: split).forward(images)
        #expect(two.stage2Logits.maxAbsDifference(one.stage2Logits) <= 1e-5)
        #expect(two.selections == one.selections)
    }
}
