import Testing
@testable import Tensor

struct SeededRandomTests {
    // SplitMix64's published first output for seed 0 (Steele et al.; also java.util.SplittableRandom).
    @Test func splitMixMatchesPublishedSequence() {
        var rng = SeededRandom(seed: 0)
        #expect(rng.next() == 0xE220_A839_7B1D_CDAF)
        #expect(rng.next() == 0x6E78_9E6A_A1B9_65F4)
    }

    @Test func normalHasUnitMoments() {
        let t = Tensor.randomNormal([20000], seed: 7)
        let mean = t.scalars.reduce(0, +) / Float(t.count)
        let variance = t.scalars.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(t.count)
        #expect(abs(mean) < 0.03)
        #expect(abs(variance - 1) < 0.05)
    }
}
