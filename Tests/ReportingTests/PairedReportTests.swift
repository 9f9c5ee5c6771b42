import Domain
import Foundation
import Testing
@testable import Reporting

/// The matched-accuracy section, the paired columns of Table 2 and the ablation tables, and the
/// claims table, on the hand-built fixture (DeiT-S 160 / 200 = 80.00 %, 4.0 G, 10 img/s; CF-ViT
/// 146 / 161 / 162 correct at η 0, 0.5, 1.0, 1.0 / 2.0 / 3.5 G, 18.8 img/s at 0.5).
@Suite struct PairedReportTests {
    static let counts05 = PairedCounts(bothCorrect: 150, onlyModelCorrect: 11, onlyReferenceCorrect: 10, bothWrong: 29)
    static let counts10 = PairedCounts(bothCorrect: 152, onlyModelCorrect: 10, onlyReferenceCorrect: 8, bothWrong: 30)

    static var report: SuiteReport {
        var r = Fixture.report
        r.models[1].paired = [PairedComparison(reference: "deit-s", relation: "baseline", points: [
            PairedPoint(eta: 0.5, counts: counts05, mcnemarP: 1.0, low: -0.03, high: 0.04, resamples: 2000, seed: 7),
            PairedPoint(eta: 1.0, counts: counts10, mcnemarP: 0.8145, low: -0.025, high: 0.045, resamples: 2000, seed: 7),
        ])]
        return r
    }

    @Test func matchedAccuracyPicksTheSmallestGridEta() throws {
        let rows = MatchedAccuracyTable.rows(Self.report)
        #expect(rows.count == 2)   // CF-ViT × two criteria; DeiT-S and the baseline-less variant have none
        // 161 / 200 ≥ 160 / 200 first at η 0.5; 146 / 200 = 73 % lies below DeiT-S's Wilson interval
        // [73.91 %, 84.95 %] (SciPy's binomtest(...).proportion_ci(method='wilson')), so the looser
        // criterion also lands on 0.5.
        #expect(rows[0].criterion == .atLeastBaseline && rows[0].eta == 0.5)
        #expect(rows[1].criterion == .withinBaselineInterval && rows[1].eta == 0.5)
        #expect(rows[0].flopsReduction == 50)
        #expect(abs(rows[0].speedup! - 1.88) < 1e-12)
        #expect(rows[0].paired?.counts == Self.counts05)
        let text = MatchedAccuracyTable.render(Self.report).markdownSection()
        #expect(text.contains("| CF-ViT | DeiT-S | top-1 ≥ baseline | 0.50 | 80.50 [74.46, 85.39] | 80.00 [73.91, 84.95] | +0.50 [-3.00, +4.00] | 1.000 | 2.00 | ↓50.0% | 18.8 | 1.88× |"))
        #expect(text.contains("2000 resamples of the images, SplitMix64 seed 7"))
    }

    @Test func matchedAccuracyRuleOnACurveThatDipsAgain() {
        // Off-grid η are never candidates; a later dip does not matter; exact counts decide ties.
        let curve = [MatchedAccuracy.Point(eta: 0.3, correct: 70, images: 100), .init(eta: 0.355, correct: 90, images: 100),
                     .init(eta: 0.4, correct: 80, images: 100), .init(eta: 0.5, correct: 79, images: 100),
                     .init(eta: 0.6, correct: 85, images: 100)]
        #expect(MatchedAccuracy.smallestEta(curve, baselineCorrect: 80, baselineImages: 100, criterion: .atLeastBaseline) == 0.4)
        #expect(MatchedAccuracy.smallestEta(curve, baselineCorrect: 81, baselineImages: 100, criterion: .atLeastBaseline) == 0.6)
        #expect(MatchedAccuracy.smallestEta(curve, baselineCorrect: 95, baselineImages: 100, criterion: .atLeastBaseline) == nil)
        // WilsonInterval [71.1 %, 86.7 %] of 80 / 100: 70 is outside, 80 inside.
        #expect(MatchedAccuracy.smallestEta(curve, baselineCorrect: 80, baselineImages: 100, criterion: .withinBaselineInterval) == 0.4)
        #expect(MatchedAccuracy.isGridEta(0.07) && MatchedAccuracy.isGridEta(1.0) && !MatchedAccuracy.isGridEta(0.625))
    }

    @Test func table2CarriesPairedIntervalsAndPValues() {
        let t = Table2.render(Self.report)
        #expect(t.table.headers.contains("Δ paired 95% CI (pp)") && t.table.headers.contains("McNemar p"))
        let cf05 = t.table.rows.first { $0[0] == "CF-ViT" && $0[1] == "0.50" }!
        #expect(cf05[4] == "[-3.00, +4.00]" && cf05[5] == "1.000")
        let cf10 = t.table.rows.first { $0[0] == "CF-ViT" && $0[1] == "1.00" }!
        #expect(cf10[4] == "[-2.50, +4.50]" && cf10[5] == "0.815")
        #expect(t.table.rows.first { $0[0] == "DeiT-S" }![4] == "–")
        #expect(t.notes.contains { $0.contains("exact McNemar test") && $0.contains("2000 resamples") })
        // The CSV carries the same numbers, with more digits.
        let csv = t.csv.render()
        #expect(csv.contains(",deit-s,0.500,-3.000,4.000,1,11,10," + String(repeating: "b", count: 64) + ",abc1234\n"))
    }

    @Test func ablationTablesCompareAVariantWithItsMainRow() throws {
        var r = Self.report
        r.models[2].variant = "cf-vit"
        r.models[2].paired = [PairedComparison(reference: "cf-vit", relation: "variant", points: [
            PairedPoint(eta: 1.0, counts: PairedCounts(bothCorrect: 140, onlyModelCorrect: 10, onlyReferenceCorrect: 22, bothWrong: 28),
                        mcnemarP: 0.0501, low: -0.11, high: -0.01, resamples: 2000, seed: 7),
        ])]
        let t = try SpecTable.render(Fixture.table4, report: r)
        #expect(t.table.headers.suffix(2) == ["Δ top-1 vs main row (pp) [paired 95% CI]", "McNemar p"])
        #expect(t.table.rows[0].suffix(2) == ["-6.00 [-11.00, -1.00]", "0.050"])
        #expect(t.table.rows[1].suffix(2) == ["–", "–"])   // the main row itself
    }

    static func claim(_ q: ClaimQuantity, eta: Double? = nil, paper: Double, test: ClaimTest) -> Claim {
        Claim(id: q.rawValue, text: "t", source: "s", model: "cf-vit", quantity: q, eta: eta, paper: paper, test: test)
    }

    @Test func claimVerdicts() {
        var r = Self.report
        func verdict(_ c: Claim) -> ClaimsTable.Verdict { ClaimsTable.evaluate(c, in: r).verdict }
        // FLOPs at matched accuracy: 50 % measured.
        #expect(verdict(Self.claim(.flopsReductionAtMatchedAccuracy, paper: 50, test: .atLeast)) == .holds)
        #expect(verdict(Self.claim(.flopsReductionAtMatchedAccuracy, paper: 61, test: .atLeast)) == .doesNotHold)
        #expect(verdict(Self.claim(.speedupAtMatchedAccuracy, paper: 1.88, test: .atLeast)) == .holds)
        #expect(verdict(Self.claim(.speedupAtMatchedAccuracy, paper: 2.0, test: .atLeast)) == .doesNotHold)
        // At a fixed η: FLOPs 2.0 of 4.0 G, 18.8 of 10.0 img/s.
        #expect(ClaimsTable.evaluate(Self.claim(.flopsReduction, eta: 0.5, paper: 50, test: .atLeast), in: r).measured == 50)
        #expect(verdict(Self.claim(.speedup, eta: 0.5, paper: 1.9, test: .atLeast)) == .doesNotHold)
        #expect(verdict(Self.claim(.speedup, eta: 1.0, paper: 0.9, test: .atLeast)) == .holds)
        // +1.0 point at η 1 measured as +1.0, but the paired interval reaches below 0: not a gain.
        #expect(verdict(Self.claim(.top1Difference, eta: 1.0, paper: 1.0, test: .atLeast)) == .doesNotHold)
        #expect(verdict(Self.claim(.top1Difference, eta: 0.5, paper: 0, test: .notWorse)) == .holds)
        // Absolute ImageNet numbers: inside the Wilson interval on real data, not measurable on synthetic.
        #expect(verdict(Self.claim(.top1, eta: 0.5, paper: 80.0, test: .withinInterval)) == .holds)
        #expect(verdict(Self.claim(.top1, eta: 0.5, paper: 90.0, test: .withinInterval)) == .doesNotHold)
        r.syntheticData = true
        #expect(verdict(Self.claim(.top1, eta: 0.5, paper: 80.0, test: .withinInterval)) == .notMeasurable)
        // No throughput at the matched η: not measurable, and said why.
        r.models[1].throughput = []
        let noTiming = ClaimsTable.evaluate(Self.claim(.speedupAtMatchedAccuracy, paper: 1.88, test: .atLeast), in: r)
        #expect(noTiming.verdict == .notMeasurable && noTiming.evidence.contains("no throughput measurement at η 0.50"))
    }

    @Test func claimsTableSaysTheDataIsSynthetic() throws {
        var r = Self.report
        r.syntheticData = true
        r.claims = [Self.claim(.flopsReductionAtMatchedAccuracy, paper: 61, test: .atLeast)]
        let t = try #require(ClaimsTable.render(r))
        #expect(t.intro?.hasPrefix("**The data is synthetic.**") == true)
        #expect(t.table.rows[0][5] == "50.0%" && t.table.rows[0][7] == "**does not hold**")
        #expect(ReportDocuments.table2Supplement(r).contains("## The papers' claims on this data"))
        r.claims = []
        #expect(ClaimsTable.render(r) == nil)
    }
}
