import Foundation
import Testing
import Domain

/// McNemar and the paired bootstrap (Domain/Statistics/PairedStatistics.swift) against
/// Fixtures/paired_stats.json, written by experiments/stats/make_paired_fixture.py with SciPy's
/// `binomtest` and numpy's resampling and percentiles, plus properties that hold whatever the
/// implementation.
@Suite struct PairedStatisticsTests {
    struct Fixture: Decodable {
        struct McNemarCase: Decodable {
            let only_model_correct: Int
            let only_reference_correct: Int
            let p_scipy_binomtest: Double
            let p_textbook: Double
        }
        struct BootstrapCase: Decodable {
            let model: String
            let reference: String
            let indices: [[Int]]
            let lower: Double
            let upper: Double
        }
        let magic: String
        let version: Int
        let mcnemar: [McNemarCase]
        let bootstrap: [BootstrapCase]
    }

    static func fixture() throws -> Fixture {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/paired_stats.json")
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    @Test func mcnemarMatchesSciPy() throws {
        let f = try Self.fixture()
        #expect(f.magic == "repro-paired-stats" && f.version == 1)
        #expect(f.mcnemar.count >= 15)
        for c in f.mcnemar {
            let p = McNemar.exactPValue(onlyModelCorrect: c.only_model_correct, onlyReferenceCorrect: c.only_reference_correct)
            #expect(c.p_scipy_binomtest == c.p_textbook || abs(c.p_scipy_binomtest - c.p_textbook) < 1e-12)
            let tolerance = max(1e-300, 1e-9 * c.p_scipy_binomtest)
            #expect(abs(p - c.p_scipy_binomtest) <= tolerance,
                    "b = \(c.only_model_correct), c = \(c.only_reference_correct): \(p) vs SciPy \(c.p_scipy_binomtest)")
        }
    }

    /// Textbook values: with 5 discordant pairs all one way, p = 2 · 2⁻⁵; 3 against 10 gives
    /// 2 · Σ_{i≤3} C(13, i) / 2¹³ = 2 · 378 / 8192.
    @Test func mcnemarTextbookCases() {
        #expect(McNemar.exactPValue(onlyModelCorrect: 5, onlyReferenceCorrect: 0) == 0.0625)
        #expect(abs(McNemar.exactPValue(onlyModelCorrect: 3, onlyReferenceCorrect: 10) - 756.0 / 8192) < 1e-15)
        #expect(McNemar.exactPValue(onlyModelCorrect: 0, onlyReferenceCorrect: 0) == 1)
        #expect(McNemar.exactPValue(onlyModelCorrect: 40, onlyReferenceCorrect: 40) == 1)
        // Symmetric in b and c.
        #expect(McNemar.exactPValue(onlyModelCorrect: 17, onlyReferenceCorrect: 31)
                == McNemar.exactPValue(onlyModelCorrect: 31, onlyReferenceCorrect: 17))
    }

    static func differences(_ model: String, _ reference: String) -> [Int8] {
        zip(model, reference).map { Int8($0 == "1" ? 1 : 0) - Int8($1 == "1" ? 1 : 0) }
    }

    @Test func bootstrapReplaysNumpyResamples() throws {
        let f = try Self.fixture()
        #expect(f.bootstrap.count == 3)
        for c in f.bootstrap {
            let d = Self.differences(c.model, c.reference)
            let (lo, hi) = PairedBootstrap.interval(differences: d, resampleIndices: c.indices)
            #expect(abs(lo - c.lower) < 1e-12 && abs(hi - c.upper) < 1e-12, "\(lo), \(hi) vs \(c.lower), \(c.upper)")
        }
    }

    @Test func percentileIsNumpyLinear() {
        // np.percentile([1, 2, 3, 4], [2.5, 50, 97.5]) = [1.075, 2.5, 3.925]
        #expect(abs(PairedBootstrap.percentile([1, 2, 3, 4], 0.025) - 1.075) < 1e-12)
        #expect(abs(PairedBootstrap.percentile([1, 2, 3, 4], 0.5) - 2.5) < 1e-12)
        #expect(abs(PairedBootstrap.percentile([1, 2, 3, 4], 0.975) - 3.925) < 1e-12)
        #expect(PairedBootstrap.percentile([7], 0.3) == 7)
    }

    /// Swift-independent property: for many images the bootstrap distribution of a mean of
    /// ±1/0 values is close to normal, so the percentile interval must agree with
    /// d̄ ± 1.96·s/√n (s² = (b + c)/n − d̄²) to within the Monte Carlo error of 2,000 resamples.
    @Test func seededIntervalAgreesWithNormalTheory() {
        var rng = SplitMix64(seed: 99)
        let n = 4000
        var model: [Bool] = [], reference: [Bool] = []
        for _ in 0..<n {
            let u = Double(rng.next() >> 11) / Double(1 << 53)
            reference.append(u < 0.80)
            model.append(u < 0.80 ? (rng.next() % 10 != 0) : (rng.next() % 3 == 0))
        }
        let counts = PairedCounts(model: model, reference: reference)
        let d = zip(model, reference).map { Int8($0 ? 1 : 0) - Int8($1 ? 1 : 0) }
        let (lo, hi) = PairedBootstrap.interval(differences: d)
        let mean = counts.difference
        let s = (Double(counts.discordant) / Double(n) - mean * mean).squareRoot()
        let half = 1.959963984540054 * s / Double(n).squareRoot()
        #expect(lo < mean && mean < hi)
        #expect(abs(lo - (mean - half)) < 0.12 * half, "lower \(lo) vs normal \(mean - half)")
        #expect(abs(hi - (mean + half)) < 0.12 * half, "upper \(hi) vs normal \(mean + half)")
        // The same seed gives the same interval; agreeing classifiers give [0, 0].
        let again = PairedBootstrap.interval(differences: d)
        #expect(again.lower == lo && again.upper == hi)
        let same = PairedBootstrap.interval(differences: [Int8](repeating: 0, count: 500))
        #expect(same.lower == 0 && same.upper == 0)
    }

    @Test func countsFromCorrectness() {
        let c = PairedCounts(model: [true, true, false, false, true], reference: [true, false, true, false, false])
        #expect(c == PairedCounts(bothCorrect: 1, onlyModelCorrect: 2, onlyReferenceCorrect: 1, bothWrong: 1))
        #expect(c.images == 5 && c.discordant == 3 && abs(c.difference - 0.2) < 1e-15)
    }
}
