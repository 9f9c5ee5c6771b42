import Dispatch

/// The machine's fp32 multiply-add peak, measured: every thread runs independent FMA chains on
/// 8-lane vectors (no memory traffic), and the rate is the total over the wall time.
///
/// Why measured rather than computed from /proc/cpuinfo: on a VM cpuinfo reports the base
/// clock (2.6 GHz on the dev VM), while the cores run at their boost clock under load, so a
/// "nominal" peak from it came out below what DeiT-S's GEMMs achieved. This is the peak of
/// 256-bit FMA code, so it is measured only in AVX2 + FMA builds (Package.swift): a generic
/// x86-64 build has no FMA instruction to time (`addingProduct` becomes a libm call per lane),
/// and its SSE rate would sit below what OpenBLAS's own AVX-512 GEMMs reach.
public enum PeakFLOPs {
    public struct Result: Sendable {
        public var gflopPerSecond: Double
        public var threads: Int
        public var description: String {
            "fp32 FMA peak \(Int(gflopPerSecond.rounded())) GFLOP/s measured on \(threads) thread\(threads == 1 ? "" : "s") (\(Compute.codeGeneration) code)"
        }
    }

    /// nil in builds without AVX2 + FMA code generation (see above).
    public static func measure(threads: Int, seconds: Double = 0.5) -> Result? {
        #if !REPRO_AVX2
        return nil
        #else
        let iterations = 1 << 20
        // One round to find the per-round time, then five tries of `seconds` / 5 each: the
        // best one, since a busy machine can only make a try slower.
        let probe = run(threads: threads, iterations: iterations, rounds: 1)
        let rounds = max(1, Int(seconds / 5 / max(probe, 1e-6)))
        let wall = (0..<5).map { _ in run(threads: threads, iterations: iterations, rounds: rounds) }.min()!
        let flops = Double(threads * rounds * iterations) * Double(chains * 8 * 2)
        return Result(gflopPerSecond: flops / wall / 1e9, threads: threads)
        #endif
    }

    static let chains = 12

    private static func run(threads: Int, iterations: Int, rounds: Int) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        // Each thread stores its result, so that the chains cannot be optimized away.
        let sinks = UnsafeMutablePointer<Float>.allocate(capacity: threads)
        defer { sinks.deallocate() }
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            var sum = SIMD8<Float>()
            for r in 0..<rounds { sum += chainsOfFMA(iterations: iterations, seed: Float(t * rounds + r)) }
            sinks[t] = sum.sum()
        }
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// 12 independent accumulators: enough to cover the FMA latency on two pipes.
    @inline(never)
    static func chainsOfFMA(iterations: Int, seed: Float) -> SIMD8<Float> {
        let m = SIMD8<Float>(repeating: 0.999_999), c = SIMD8<Float>(repeating: 1e-7)
        @inline(__always) func step(_ a: SIMD8<Float>) -> SIMD8<Float> { c.addingProduct(a, m) }
        var a0 = SIMD8<Float>(repeating: seed), a1 = a0 + 1, a2 = a0 + 2, a3 = a0 + 3, a4 = a0 + 4, a5 = a0 + 5
        var a6 = a0 + 6, a7 = a0 + 7, a8 = a0 + 8, a9 = a0 + 9, a10 = a0 + 10, a11 = a0 + 11
        for _ in 0..<iterations {
            a0 = step(a0); a1 = step(a1); a2 = step(a2); a3 = step(a3); a4 = step(a4); a5 = step(a5)
            a6 = step(a6); a7 = step(a7); a8 = step(a8); a9 = step(a9); a10 = step(a10); a11 = step(a11)
        }
        return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11
    }
}
