import Checkpoint
import Foundation
import Tensor
import ViT

/// Model-only throughput: warm-up batches, then timed batches of a prepared input tensor.
/// The timer covers one forward call per batch (for two-stage models: the bilinear
/// downsample, stage 1, the exit test, and stage 2 on the images below η), nothing else.
///
/// Two rates: by default images/s comes from the median batch (robust to a busy machine);
/// with `passes`, every batch is run that many times and images/s is the total images over
/// the total time, the same definition as a suite's end-to-end rate, so that the two compare
/// like for like over the same images.
public enum ModelBenchmark {
    public struct Options {
        public var batch: Int = 1
        public var warmup: Int = 2
        /// Timed batches: at least `minIterations`, continuing until `minSeconds` have passed.
        public var minIterations: Int = 3
        public var minSeconds: Double = 5
        /// Early-exit threshold for two-stage models (nil: both stages for every image).
        public var eta: Double?
        /// Time this many passes over all batches and rate by the total (nil: by the median).
        public var passes: Int?
        /// Threads and strategy the model runs under.
        public var compute = ComputeSettings()
        public init() {}
    }

    public struct Result: Codable {
        public var model: String
        public var batch: Int
        public var threads: Int
        public var strategy: String
        public var eta: Double?
        public var warmupBatches: Int
        public var timedBatches: Int
        /// Median seconds per batch.
        public var medianBatchSeconds: Double
        /// Sum over the timed batches.
        public var totalSeconds: Double
        public var imagesTimed: Int
        /// "median batch" or "total over N passes".
        public var rateFrom: String
        public var imagesPerSecond: Double
        /// Multiply-adds per image actually executed (expected over the exits seen).
        public var macsPerImage: Double
        /// 2 × multiply-adds × images/s, in GFLOP/s.
        public var gflopPerSecond: Double
        public var stage1ExitShare: Double?
        public var timerCovers: String
        public var blas: String
        /// The machine's measured fp32 FMA peak on `threads` threads (`PeakFLOPs`), if measured.
        public var peakGFLOPs: Double?
        /// The vector unit the peak was timed on ("avx512" or "avx2+fma").
        public var peakUnit: String?
        public var simd: String = Compute.codeGeneration
        public var loops: String = Compute.loopThreads
        /// The Linear layers' GEMM: "packed-avx512", "packed-avx2" or "blas" (LinearWeight.kernel).
        public var gemm: String = LinearWeight.kernel
        /// The OpenBLAS core the library picked by itself, and the one that ran (see BLASCoreChoice).
        public var blasCoreDetected: String = BLAS.coreSelection.detected
        public var blasCoreChosen: String = BLAS.coreSelection.chosen
        /// false when BLAS ran kernels below what this CPU can run.
        public var blasFast: Bool = BLAS.coreSelection.fast
    }

    /// Runs `spec` with `stateDict` weights over `batches` (each [B, C, S, S]) in turn.
    public static func run(name: String, spec: ModelSpec, stateDict: StateDict, batches: [Tensor],
                           options: Options) throws -> Result {
        precondition(!batches.isEmpty)
        var next = 0
        var images: Tensor { batches[next % batches.count] }
        let flops = try FLOPs.count(spec, convention: .official(for: spec))
        var exitCount = 0, imageCount = 0
        let step: () -> Void
        switch spec {
        case let .vit(config):
            let model = try VisionTransformer(config: config, stateDict: stateDict, compute: options.compute)
            step = { _ = model.forward(images); next += 1 }
        case let .twoStage(config):
            let model = try TwoStageModel(config: config, stateDict: stateDict, compute: options.compute)
            let eta = options.eta
            step = {
                if let eta {
                    let out = model.forwardEarlyExit(images, threshold: eta)
                    exitCount += out.exited.filter { $0 }.count
                } else {
                    _ = model.forward(images)
                }
                imageCount += images.shape[0]
                next += 1
            }
        }
        for _ in 0..<options.warmup { step() }
        exitCount = 0
        imageCount = 0
        var times: [Double] = []
        var imagesTimed = 0
        func timedStep() {
            imagesTimed += images.shape[0]
            let t0 = DispatchTime.now().uptimeNanoseconds
            step()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
        }
        if let passes = options.passes {
            next = 0
            for _ in 0..<(max(1, passes) * batches.count) { timedStep() }
        } else {
            let start = DispatchTime.now().uptimeNanoseconds
            while times.count < options.minIterations
                    || Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 < options.minSeconds {
                timedStep()
            }
        }
        let total = times.reduce(0, +)
        times.sort()
        let median = times[times.count / 2]
        let batch = batches[0].shape[0]
        var macs = Double(flops.last!)
        var share: Double?
        if case .twoStage = spec {
            if options.eta != nil, imageCount > 0 {
                let s = Double(exitCount) / Double(imageCount)
                share = s
                macs = s * Double(flops[0]) + (1 - s) * Double(flops[1])
            }
        }
        let ips = options.passes == nil ? Double(batch) / median : Double(imagesTimed) / total
        let covers = spec.stageCount == 2
            ? (options.eta == nil ? "forward, both stages for every image (incl. bilinear downsample)"
                                  : "forwardEarlyExit (incl. bilinear downsample, exit test, stage-2 gather)")
            : "forward (patch embed, blocks, head)"
        return Result(model: name, batch: batch, threads: options.compute.threads, strategy: options.compute.strategy.rawValue,
                      eta: options.eta, warmupBatches: options.warmup, timedBatches: times.count,
                      medianBatchSeconds: median, totalSeconds: total, imagesTimed: imagesTimed,
                      rateFrom: options.passes.map { "total over \($0) pass\($0 == 1 ? "" : "es")" } ?? "median batch",
                      imagesPerSecond: ips, macsPerImage: macs,
                      gflopPerSecond: 2 * macs * ips / 1e9, stage1ExitShare: share, timerCovers: covers,
                      blas: BLAS.configuration)
    }
}
