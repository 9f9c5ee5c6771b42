import Testing
import Domain

/// The exit rule and expected FLOPs against values worked out by hand.
@Suite struct ExitRuleTests {
    @Test func comparesInFloat32() {
        // 0.7 as a double is above Float(0.7); the rule compares Float(η), so a confidence of
        // exactly Float(0.7) stops at η = 0.7 although Double(Float(0.7)) < 0.7.
        let c = Float(0.7)
        #expect(Double(c) < 0.7)
        #expect(ExitRule.stops(confidence: c, threshold: ExitRule.threshold(0.7)))
        #expect(!ExitRule.stops(confidence: c.nextDown, threshold: ExitRule.threshold(0.7)))
        // η = 0: everything stops; η > 1: nothing does (confidences are ≤ 1).
        #expect(ExitRule.stops(confidence: 0, threshold: ExitRule.threshold(0)))
        #expect(!ExitRule.stops(confidence: 1, threshold: ExitRule.threshold(1.01)))
    }

    @Test func lastStageDecidesWhenNoEarlierOneStops() {
        #expect(ExitRule.exitStage(confidences: [Float(0.2), 0.3], threshold: 0.5) == 1)
        #expect(ExitRule.exitStage(confidences: [Float(0.2), 0.9, 0.1], threshold: 0.5) == 1)
        // The last stage's own confidence is never compared.
        #expect(ExitRule.exitStage(confidences: [Float(0.2), 0.3, 0.0], threshold: 0.5) == 2)
        // A slice keeps its own indices.
        let all: [Float] = [0.1, 0.2, 0.9, 0.4]
        #expect(ExitRule.exitStage(confidences: all[2..<4], threshold: 0.5) == 0)
        #expect(ExitRule.exitStage(confidences: all[0..<2], threshold: 0.5) == 1)
    }

    @Test func expectedFLOPsWeighsStagesByExits() {
        let c = [1_000, 4_000]
        #expect(ExpectedFLOPs.mean(cumulative: c, exits: [10, 0]) == 1_000)
        #expect(ExpectedFLOPs.mean(cumulative: c, exits: [0, 7]) == 4_000)
        #expect(ExpectedFLOPs.mean(cumulative: c, exits: [3, 1]) == 1_750)
        #expect(ExpectedFLOPs.mean(cumulative: c, exits: [0, 0]) == nil)
        #expect(ExpectedFLOPs.mean(cumulative: c, exits: [1]) == nil)
        #expect(ExpectedFLOPs.mean(cumulative: c, exits: [-1, 2]) == nil)
        var e = ExpectedFLOPs()
        #expect(e.gflops == 0)
        for f: Int64 in [1_000_000_000, 4_000_000_000, 4_000_000_000] { e.add(f) }
        #expect(e.images == 3 && e.total == 9_000_000_000 && e.gflops == 3)
    }

    @Test func fineIndicesAreGroupedByCorner() {
        let sel = RegionSelection(gridSide: 7, cells: [0, 8, 48])
        // Cell 0 → fine 0; cell 8 (row 1, col 1) → fine 2·14 + 2 = 30; cell 48 → 12·14 + 12 = 180.
        #expect(sel.fineIndices == [0, 30, 180, 1, 31, 181, 14, 44, 194, 15, 45, 195])
        #expect(sel.kind == .cells)
        #expect(RegionSelection(gridSide: 7, cells: [8], window: .init(row: 1, column: 1, size: 5)).kind == .window)
    }
}
