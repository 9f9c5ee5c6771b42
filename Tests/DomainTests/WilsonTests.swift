import Foundation
import Testing
import Domain

/// Wilson intervals against (1) the published table of Newcombe (1998), "Two-sided
/// confidence intervals for the single proportion: comparison of seven methods",
/// Statistics in Medicine 17:857–872, Table II, method 3 (score interval without continuity
/// correction), given to 4 decimals; and (2) Fixtures/wilson.json, written by
/// Fixtures/make_wilson_fixture.py, which finds each bound by bisection on the score-test
/// equation in 50-digit decimal arithmetic (not by the closed form the Swift code uses).
@Suite struct WilsonTests {
    @Test(arguments: [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0000, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ])
    func newcombeTable(_ x: Int, _ n: Int, _ lower: Double, _ upper: Double) {
        let w = WilsonInterval(successes: x, trials: n)
        #expect(abs(w.lower - lower) <= 0.00005, "lower of \(x)/\(n): \(w.lower)")
        #expect(abs(w.upper - upper) <= 0.00005, "upper of \(x)/\(n): \(w.upper)")
    }

    struct Fixture: Decodable {
        struct Row: Decodable {
            let successes: Int
            let trials: Int
            let lower: Double
            let upper: Double
        }
        let intervals: [Row]
    }

    @Test func bisectionFixture() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/wilson.json")
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
        #expect(fixture.intervals.count >= 15)
        for row in fixture.intervals {
            let w = WilsonInterval(successes: row.successes, trials: row.trials)
            #expect(abs(w.lower - row.lower) < 1e-12, "lower of \(row.successes)/\(row.trials)")
            #expect(abs(w.upper - row.upper) < 1e-12, "upper of \(row.successes)/\(row.trials)")
        }
    }

    @Test func boundsAreClampedAndOrdered() {
        #expect(WilsonInterval(successes: 0, trials: 50_000).lower == 0)
        #expect(WilsonInterval(successes: 50_000, trials: 50_000).upper == 1)
        #expect(WilsonInterval(successes: 0, trials: 0) == WilsonInterval(lower: 0, upper: 1))
        let w = WilsonInterval(successes: 39_918, trials: 50_000)
        #expect(w.lower < 39_918.0 / 50_000 && 39_918.0 / 50_000 < w.upper)
    }
}
