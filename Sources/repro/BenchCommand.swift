import ArgumentParser
import Checkpoint
import Foundation
import Harness
import ImageData
import Tensor
import ViT

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time a model on random inputs (model-only throughput).",
        discussion: """
            Runs warm-up batches, then timed batches until --seconds have passed (at least 3), and \
            prints images/s (from the median batch time), achieved GFLOP/s (multiply-adds counted \
            twice) and their share of the machine's fp32 FMA peak (measured first: independent FMA \
            chains on the widest vectors the CPU has, zmm on AVX-512, on every thread), with the \
            BLAS configuration and its kernel core (repro replaces a generic fallback core by the \
            one the CPU's flags call for, and says so). \
            Random weights are fine for timing a plain ViT; for two-stage models the exit share \
            depends on the weights and images, so pass --weights and real inputs for exit-dependent \
            timing (see `repro run --mode throughput`).
            """)

    @Option(help: "Model preset (see `repro flops --help` for the list).")
    var model: String = "deit-s"

    @Option(help: "Weights (.pth or .safetensors) instead of seeded random ones.")
    var weights: String?

    @Option(help: "Time on real images from this ImageNet-style folder (decoded before timing) instead of random inputs.")
    var data: String?

    @Option(help: "Images from --data (the first N in listing order).")
    var images = 256

    @Option(help: ArgumentHelp("Preprocessing preset for --data (default: by the model's input size).", valueName: "NAME"))
    var preprocessing: String?

    @Flag(help: "Time decoding + preprocessing of --data instead of a model (images/s of the input pipeline).")
    var pipeline = false

    @Option(help: ArgumentHelp("Time writing N images' rows (two stages, top-5, a selection) to a fresh results store, in batches of --batch (use 32 or more), instead of a model.", valueName: "N"))
    var store: Int?

    @Option(help: "Images per batch.")
    var batch: Int = 1

    @Option(help: ArgumentHelp("Early-exit thresholds η for two-stage models, comma-separated (omit: both stages for every image).", valueName: "LIST"))
    var eta: EtaList?

    @Option(help: "Warm-up batches (not timed).")
    var warmup: Int = 2

    @Option(help: "Minimum timed seconds.")
    var seconds: Double = 5

    @Option(help: ArgumentHelp("Time N passes over every batch of --data and rate by the total time (as a suite's end-to-end rate is) instead of by the median batch; keeps the last, partial batch.", valueName: "N"))
    var passes: Int?

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
        if pipeline && data == nil { throw ValidationError("--pipeline needs --data DIR") }
        if let store, store < 1 { throw ValidationError("--store must be at least 1") }
        if let passes, passes < 1 { throw ValidationError("--passes must be at least 1") }
        if passes != nil && data == nil { throw ValidationError("--passes times the batches of --data; give --data DIR") }
        if store != nil && pipeline { throw ValidationError("--store and --pipeline time different things; give one") }
    }

    /// The thresholds to time (nil: both stages for every image).
    var etas: [Double?] { eta?.values ?? [nil] }

    func run() throws {
        let settings = compute.settings()
        let threads = settings.threads
        let spec = ModelPresets.spec(named: model)!
        let c = spec.backbone
        let pre = try SuitePlan.preprocessing(named: preprocessing, spec: spec, model: model)
        if let store {
            let r = try StoreBenchmark.run(images: store, batch: batch)
            if json {
                print(#"{"store_images": \#(r.images), "batch": \#(r.batch), "seconds": \#(r.seconds), "images_per_second": \#(r.imagesPerSecond), "bytes": \#(r.bytes)}"#)
            } else {
                print(String(format: "store       %d images' rows in %.3f s (%.0f images/s, batches of %d, %.1f MB)",
                             r.images, r.seconds, r.imagesPerSecond, r.batch, Double(r.bytes) / 1e6))
            }
            return
        }
        if pipeline {
            let r = try PipelineBenchmark.run(folder: data!, preprocessing: pre, workers: threads, batchSize: batch,
                                              limit: images, passes: 2, warmup: true)
            print(String(format: "pipeline    %.1f images/s decode + preprocess (%d workers, %@)", r.imagesPerSecond, threads, pre.description))
            let entries = try Dataset.unlabeled(root: RawPath(data!)).subset(limit: images)
            print("stages      \(PipelineBenchmark.profile(entries: entries, preprocessing: pre))")
            return
        }
        let stateDict = try weights.map { try CheckpointFile.load(path: $0) } ?? .random(for: spec, seed: seed)
        var batches: [Tensor] = []
        if let data {
            let entries = try Dataset.classFolders(root: RawPath(data)).subset(limit: images)
            for b in PrefetchPipeline(entries: entries, preprocessing: pre, options: .init(batchSize: batch, workers: threads))
            where b.images.shape[0] == batch || (passes != nil && b.images.shape[0] > 0) {
                batches.append(b.images)
            }
            guard !batches.isEmpty else { throw CLIError("no full batch of \(batch) decodable images in \(data)") }
        } else {
            batches = [Tensor.randomNormal([batch, c.inChannels, c.imageSize, c.imageSize], seed: seed &+ 1)]
        }
        let peak = PeakFLOPs.measure(threads: threads)
        for eta in etas {
            var options = ModelBenchmark.Options()
            options.batch = batch
            options.warmup = warmup
            options.minSeconds = seconds
            options.eta = eta
            options.passes = passes
            options.compute = settings
            var r = try ModelBenchmark.run(name: model, spec: spec, stateDict: stateDict, batches: batches, options: options)
            r.peakGFLOPs = peak?.gflopPerSecond
            r.peakUnit = peak?.unit
            report(r, peak: peak)
        }
    }

    func report(_ r: ModelBenchmark.Result, peak: PeakFLOPs.Result?) {
        if json {
            let enc = JSONEncoder()
            enc.outputFormatting = [.sortedKeys]
            print(String(decoding: try! enc.encode(r), as: UTF8.self))
            return
        }
        print("model       \(r.model)  batch \(r.batch)  threads \(r.threads) (\(r.strategy))" + (r.eta.map { "  η \($0)" } ?? ""))
        print(String(format: "throughput  %.2f images/s  (%@; median batch %.1f ms, %d images in %.2f s over %d batches, %d warm-up)",
                     r.imagesPerSecond, r.rateFrom, r.medianBatchSeconds * 1000, r.imagesTimed, r.totalSeconds,
                     r.timedBatches, r.warmupBatches))
        print(String(format: "compute     %.1f GFLOP/s achieved (%.3f G multiply-adds per image)",
                     r.gflopPerSecond, r.macsPerImage / 1e9)
              + (peak.map { String(format: ", %.0f%% of the ", 100 * r.gflopPerSecond / $0.gflopPerSecond) + $0.description }
                 ?? " (no fp32 peak measured: this CPU has no FMA vector unit)"))
        if let s = r.stage1ExitShare { print(String(format: "exits       %.1f%% of images at stage 1", 100 * s)) }
        print("timer       \(r.timerCovers)")
        print("blas        \(r.blas)")
        let selection = BLAS.coreSelection
        print("blas core   " + (selection.switched
            ? "\(selection.chosen) (chosen by repro; the library had picked \(selection.detected))"
            : selection.userCoreType != nil ? "\(selection.chosen) (OPENBLAS_CORETYPE=\(selection.userCoreType!) set by the user)"
            : "\(selection.chosen) (the library's own choice)")
            + (selection.fast ? "" : ": SLOW, \(selection.note ?? "below what this CPU can run")"))
        print("simd        \(r.simd) code for the element-wise kernels; Linear layers on \(r.gemm) GEMM; parallel loops on \(r.loops == "pool" ? "the spinning pool" : "GCD (REPRO_POOL=gcd)")")
    }
}
