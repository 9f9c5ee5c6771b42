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
}
