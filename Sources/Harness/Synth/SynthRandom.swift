import Tensor

/// The renderer's random source: SplitMix64 (`SeededRandom`) seeded from the image's identity,
/// with integer-only helpers. Bounded draws use a plain 64-bit modulo (bias below 2⁻⁵⁰ for the
/// bounds used here) rather than the standard library's `next(upperBound:)`, whose algorithm
/// is not part of any stability promise.
struct SynthRandom {
    private var rng: SeededRandom

    /// Seed for one image: (seed, split, class, index) mixed through SplitMix64 steps, so that
    /// neighbouring indices give unrelated streams and any image can be drawn on its own.
    init(seed: UInt64, id: SynthImageID) {
        var h = SynthRandom.mix(seed)
        h = SynthRandom.mix(h ^ id.split.seedTag)
        h = SynthRandom.mix(h ^ UInt64(id.classIndex))
        h = SynthRandom.mix(h ^ UInt64(id.index))
        rng = SeededRandom(seed: h)
    }

    init(seed: UInt64) { rng = SeededRandom(seed: seed) }

    static func mix(_ x: UInt64) -> UInt64 {
        var r = SeededRandom(seed: x)
        return r.next()
    }

    mutating func next() -> UInt64 { rng.next() }

    /// Uniform in 0..<n (n ≥ 1).
    mutating func below(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }

    /// Uniform in lo...hi.
    mutating func inRange(_ lo: Int, _ hi: Int) -> Int { lo + below(hi - lo + 1) }

    mutating func coin() -> Bool { rng.next() >> 63 == 1 }

    /// Index drawn with integer weights (e.g. percentages).
    mutating func weighted(_ weights: [Int]) -> Int {
        var r = below(weights.reduce(0, +))
        for (i, w) in weights.enumerated() {
            if r < w { return i }
            r -= w
        }
        return weights.count - 1
    }

    mutating func color() -> SynthColor {
        SynthColor(Int32(below(256)), Int32(below(256)), Int32(below(256)))
    }
}

struct SynthColor: Equatable {
    var r: Int32, g: Int32, b: Int32

    init(_ r: Int32, _ g: Int32, _ b: Int32) {
        self.r = r
        self.g = g
        self.b = b
    }

    /// L1 distance over the three channels (0…765).
    func distance(_ o: SynthColor) -> Int32 { abs(r - o.r) + abs(g - o.g) + abs(b - o.b) }

    /// (self·(n−t) + o·t) / n per channel, truncating: an integer linear blend.
    func blend(_ o: SynthColor, _ t: Int32, _ n: Int32) -> SynthColor {
        SynthColor((r * (n - t) + o.r * t) / n, (g * (n - t) + o.g * t) / n, (b * (n - t) + o.b * t) / n)
    }

    func mean(_ o: SynthColor) -> SynthColor { SynthColor((r + o.r) / 2, (g + o.g) / 2, (b + o.b) / 2) }
}
