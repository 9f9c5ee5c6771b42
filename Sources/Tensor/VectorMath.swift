/// SIMD building blocks for the element-wise kernels: unaligned loads and stores, exp and erf.
///
/// `FloatV` is the width this build runs: 16 lanes (one zmm register) in AVX-512 builds, 8 (one
/// ymm register) otherwise; on an SSE-only build LLVM splits either into 4-lane halves. The
/// widths differ only in the order of horizontal sums (row max / sum / mean), never in the
/// per-element arithmetic. Concrete types on purpose: the same code written generically over
/// `SIMD` ran 4× slower specialized (the protocol's mask operations become lane loops) and
/// 1000× slower unspecialized (debug builds compile files apart), measured on the dev VM; each
/// width is tested by building it (scripts/test-simd-paths).
#if REPRO_AVX512
public typealias FloatV = SIMD16<Float>
typealias Int32V = SIMD16<Int32>
#else
public typealias FloatV = SIMD8<Float>
typealias Int32V = SIMD8<Int32>
#endif

/// Lanes of `FloatV`.
let lanes = FloatV.scalarCount

@inline(__always)
func loadV(_ p: UnsafePointer<Float>) -> FloatV {
    UnsafeRawPointer(p).loadUnaligned(as: FloatV.self)
}

@inline(__always)
func storeV(_ v: FloatV, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: FloatV.self)
}

@inline(__always)
func horizontalSum(_ v: FloatV) -> Float { v.sum() }

/// e^x lane-wise: Cody–Waite range reduction x = n·ln2 + r, |r| ≤ ln2/2, then a degree-6
/// polynomial for e^r (Cephes `expf` coefficients), scaled by 2^n through the exponent bits.
/// Max relative error ≈ 2 ulp on [-87, 88]; below −87 it returns 0, above 88 +inf-ish 2^128 is
/// clamped to FLT_MAX (softmax inputs are max-subtracted, so only the lower range matters).
@inline(__always)
public func expV(_ x: FloatV) -> FloatV {
    let lo = FloatV(repeating: -87.33654), hi = FloatV(repeating: 88.37626)
    var v = x.replacing(with: lo, where: x .< lo).replacing(with: hi, where: x .> hi)
    // n = round(v·log2 e) by the 1.5·2^23 trick: adding it leaves the rounded integer in the low
    // mantissa bits (generic SIMD float→int conversion is not vectorized by the compiler).
    let magic = FloatV(repeating: 12_582_912)
    let t = v * 1.442_695_04 + magic
    let n = t - magic
    v = v - n * 0.693_359_375
    v = v - n * -2.121_944_4e-4
    var p = FloatV(repeating: 1.987_569_15e-4)
    p = p * v + 1.398_199_95e-3
    p = p * v + 8.333_451_9e-3
    p = p * v + 4.166_579_6e-2
    p = p * v + 0.166_666_55
    p = p * v + 0.5
    p = p * v * v + v + 1
    // 2^n via the exponent field; n ∈ [-126, 128] after the clamp above.
    let ni = unsafeBitCast(t, to: Int32V.self) &- 0x4B40_0000
    let bits = (ni &+ 127) &<< 23
    let scale = unsafeBitCast(bits, to: FloatV.self)
    let r = p * scale
    return r.replacing(with: 0, where: x .< lo)
}

/// erf(x) lane-wise by Abramowitz & Stegun 7.1.26 (|error| ≤ 1.5e-7), the same formula
/// PyTorch's vectorized CPU `erf` uses for float (aten/src/ATen/cpu/vec/vec256/vec256_float.h).
@inline(__always)
public func erfV(_ x: FloatV) -> FloatV {
    let ax = x.replacing(with: -x, where: x .< 0)
    let t = 1 / (1 + 0.327_591_1 * ax)
    var r = FloatV(repeating: 1.061_405_429)
    r = r * t - 1.453_152_027
    r = r * t + 1.421_413_741
    r = r * t - 0.284_496_736
    r = r * t + 0.254_829_592
    let y = 1 - r * t * expV(-ax * ax)
    return y.replacing(with: -y, where: x .< 0)
}
