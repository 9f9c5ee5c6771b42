import Foundation

/// Deterministic random numbers for tests, benchmarks and synthetic data: SplitMix64, the
/// same sequence on every machine and Swift version (the standard library's generator is
/// not seedable).
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 24 random bits (exactly representable in Float).
    public mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// Uniform integer in 0..<bound without modulo bias.
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0)
        return Int(next(upperBound: UInt64(bound)))
    }

    /// Standard normal via Box–Muller in Double, rounded to Float.
    public mutating func nextNormal() -> Float {
        var u1 = Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
        if u1 < 1e-300 { u1 = 1e-300 }
        let u2 = Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
        return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }
}

extension Tensor {
    /// Normal(0, std²) entries from a seeded generator.
    public static func randomNormal(_ shape: [Int], std: Float = 1, seed: UInt64) -> Tensor {
        var rng = SeededRandom(seed: seed)
        let n = Tensor.count(of: shape)
        var s = [Float](repeating: 0, count: n)
        for i in 0..<n { s[i] = rng.nextNormal() * std }
        return Tensor(shape: shape, scalars: s)
    }

    /// Uniform(lo, hi) entries from a seeded generator.
    public static func randomUniform(_ shape: [Int], in range: ClosedRange<Float> = -1...1, seed: UInt64) -> Tensor {
        var rng = SeededRandom(seed: seed)
        let n = Tensor.count(of: shape)
        var s = [Float](repeating: 0, count: n)
        let w = range.upperBound - range.lowerBound
        for i in 0..<n { s[i] = range.lowerBound + w * rng.nextUnitFloat() }
        return Tensor(shape: shape, scalars: s)
    }
}
