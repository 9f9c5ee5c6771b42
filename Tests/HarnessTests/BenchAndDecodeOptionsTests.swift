import Testing
import Tensor
import ViT
@testable import Harness

struct BenchAndDecodeOptionsTests {
    /// `--passes`: every batch, the partial last one included, is timed once per pass, and the
    /// rate is the total images over the total time (what a suite's end-to-end rate is).
    @Test func passesTimeEveryBatchAndRateByTheTotal() throws {
        let config = ViTConfig(imageSize: 16, patchSize: 4, embedDim: 16, depth: 1, numHeads: 2,
                               mlpHidden: 32, numClasses: 5)
        let spec = ModelSpec.vit(config)
        let batches = [4, 4, 3].enumerated().map { i, n in Tensor.randomNormal([n, 3, 16, 16], seed: UInt64(i)) }
        var options = ModelBenchmark.Options()
        options.warmup = 1
        options.passes = 2
        let r = try ModelBenchmark.run(name: "tiny", spec: spec, stateDict: .random(for: spec, seed: 1),
                                       batches: batches, options: options)
        #expect(r.timedBatches == 6)
        #expect(r.imagesTimed == 22)
        #expect(abs(r.imagesPerSecond - 22 / r.totalSeconds) < 1e-9 * r.imagesPerSecond)
        #expect(r.rateFrom == "total over 2 passes")

        options.passes = nil
        options.minSeconds = 0
        let median = try ModelBenchmark.run(name: "tiny", spec: spec, stateDict: .random(for: spec, seed: 1),
                                            batches: batches, options: options)
        #expect(median.rateFrom == "median batch")
        #expect(abs(median.imagesPerSecond - 4 / median.medianBatchSeconds) < 1e-9 * median.imagesPerSecond)
    }

    @Test func decodeWorkersDefaultToInlineWhenTheModelTakesEveryCore() {
        var o = RunOptions()
        o.compute = ComputeSettings(threads: 2)
        #expect(o.decodeWorkers(cores: 2) == 0)
        #expect(o.decodeWorkers(cores: 3) == 1)
        #expect(o.decodeWorkers(cores: 64) == 4)
        o.compute = ComputeSettings(threads: 4)
        #expect(o.decodeWorkers(cores: 2) == 0)
        o.workers = 3
        #expect(o.decodeWorkers(cores: 2) == 3)
        o.workers = 0
        #expect(o.decodeWorkers(cores: 64) == 0)
    }
}
