import CPeak
import Dispatch

/// The machine's fp32 multiply-add peak, measured: every thread runs independent FMA chains on
/// the widest vectors the CPU has (zmm on AVX-512, ymm on AVX2 + FMA; no memory traffic), and
/// the rate is the total over the wall time.
///
/// Why measured rather than computed from /proc/cpuinfo: on a VM cpuinfo reports the base
/// clock (2.6 GHz on the dev VM), while the cores run at their boost clock under load. Why the
/// widest unit, chosen at run time (CPeak, compiled per width): OpenBLAS's kernels use zmm
/// wherever the CPU has AVX-512, so a ymm-only peak made "share of peak" read 94–104 % on an
/// AVX-512 Xeon whose true share was about 54 %.
public enum PeakFLOPs {
    public struct Result: Sendable {
        public var gflopPerSecond: Double
        public var threads: Int
        /// "avx512" (zmm chains) or "avx2+fma" (ymm chains).
        public var unit: String
        public var description: String {
            "fp32 FMA peak \(Int(gflopPerSecond.rounded())) GFLOP/s measured with \(unit == "avx512" ? "AVX-512 (zmm)" : "AVX2 (ymm)") FMA chains on \(threads) thread\(threads == 1 ? "" : "s")"
        }
    }

    /// Vector bits of the widest FMA unit, 0 when the CPU has none (then there is no peak).
    public static var widestBits: Int { Int(repro_peak_widest_bits()) }

    /// nil on CPUs without FMA vectors.
    public static func measure(threads: Int, seconds: Double = 0.5) -> Result? {
        measure(threads: threads, bits: widestBits, seconds: seconds)
    }

    /// At a given width (512 or 256; the CPU must support it).
    public static func measure(threads: Int, bits: Int, seconds: Double = 0.5) -> Result? {
        guard bits == 512 || bits == 256, bits <= widestBits else { return nil }
        let iterations = 1 << 20
        // One round to find the per-round time, then five tries of `seconds` / 5 each: the
        // best one, since a busy machine can only make a try slower.
        let probe = run(threads: threads, bits: bits, iterations: iterations, rounds: 1)
        let rounds = max(1, Int(seconds / 5 / max(probe, 1e-6)))
        let wall = (0..<5).map { _ in run(threads: threads, bits: bits, iterations: iterations, rounds: rounds) }.min()!
        let flops = Double(threads * rounds * iterations) * Double(Int(repro_peak_chains) * (bits / 32) * 2)
        return Result(gflopPerSecond: flops / wall / 1e9, threads: threads, unit: bits == 512 ? "avx512" : "avx2+fma")
    }

    private static func run(threads: Int, bits: Int, iterations: Int, rounds: Int) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        // Each thread stores its result, so that the chains cannot be optimized away.
        let sinks = UnsafeMutablePointer<Float>.allocate(capacity: threads)
        defer { sinks.deallocate() }
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            var sum: Float = 0
            for r in 0..<rounds { sum += repro_peak_run(Int32(bits), iterations, Float(t * rounds + r)) }
            sinks[t] = sum
        }
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}
