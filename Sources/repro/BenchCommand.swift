import ArgumentParser
import Foundation
import Harness
import Tensor
import ViT

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time a model on random inputs (model-only throughput).",
        discussion: """
            Runs warm-up batches, then timed batches until --seconds have passed (at least 3), and \
            prints images/s (from the median batch time), achieved GFLOP/s (multiply-adds counted \
            twice) and the share of the machine's nominal fp32 peak, with the BLAS configuration. \
            Random weights are fine for timing a plain ViT; for two-stage models the exit share \
            depends on the weights and images, so pass --weights and real inputs for exit-dependent \
            timing (see `repro run --mode throughput`).
            """)

    @Option(help: "Model preset (see `repro flops --help` for the list).")
    var model: String = "deit-s"

    @Option(help: "Images per batch.")
    var batch: Int = 1

    @Option(help: "Early-exit threshold η for two-stage models (omit: both stages for every image).")
    var eta: Double?

    @Option(help: "Warm-up batches (not timed).")
    var warmup: Int = 2

    @Option(help: "Minimum timed seconds.")
    var seconds: Double = 5

    @Option(help: "Seed of the random weights and inputs.")
    var seed: UInt64 = 0

    @Flag(help: "Print the result as JSON.")
    var json = false

    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        guard ModelPresets.spec(named: model) != nil else {
            throw ValidationError("unknown model '\(model)'; known: \(ModelPresets.names.joined(separator: ", "))")
        }
        if batch < 1 { throw ValidationError("--batch must be at least 1") }
    }

    func run() throws {
        let threads = compute.apply()
        let spec = ModelPresets.spec(named: model)!
        let c = spec.backbone
        let images = Tensor.randomNormal([batch, c.inChannels, c.imageSize, c.imageSize], seed: seed &+ 1)
        var options = ModelBenchmark.Options()
        options.batch = batch
        options.warmup = warmup
        options.minSeconds = seconds
        options.eta = eta
        let r = try ModelBenchmark.run(name: model, spec: spec, stateDict: .random(for: spec, seed: seed),
                                       images: images, options: options)
        if json {
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try enc.encode(r), as: UTF8.self))
            return
        }
        let peak = ModelBenchmark.nominalPeakGFLOPs(threads: threads)
        print("model       \(r.model)  batch \(r.batch)  threads \(r.threads) (\(r.strategy))" + (r.eta.map { "  η \($0)" } ?? ""))
        print(String(format: "throughput  %.2f images/s  (median batch %.1f ms over %d batches, %d warm-up)",
                     r.imagesPerSecond, r.medianBatchSeconds * 1000, r.timedBatches, r.warmupBatches))
        print(String(format: "compute     %.1f GFLOP/s achieved (%.3f G multiply-adds per image)",
                     r.gflopPerSecond, r.macsPerImage / 1e9)
              + (peak.map { String(format: ", %.0f%% of nominal fp32 peak %.0f GFLOP/s", 100 * r.gflopPerSecond / $0, $0) } ?? ""))
        if let s = r.stage1ExitShare { print(String(format: "exits       %.1f%% of images at stage 1", 100 * s)) }
        print("timer       \(r.timerCovers)")
        print("blas        \(r.blas)")
    }
}
