import Foundation
import Testing
import Domain

/// The η sweep against values computed by hand (in the comments) from the exit rule:
/// stop at stage 1 iff Float(confidence) ≥ Float(η).
@Suite struct SweepTests {
    /// Five images, two stages costing 1000 and 4000 (cumulative) FLOPs.
    ///
    ///     image  conf1        s1 top1/top5   conf2  s2 top1/top5
    ///       0    0.9          T / T          0.95   T / T
    ///       1    0.5          F / T          0.8    T / T
    ///       2    0.3          T / T          0.6    F / F
    ///       3    Float(0.7)   F / F          0.9    F / T
    ///       4    1.0          T / T          1.0    T / T
    static func handInput() -> SweepInput {
        var input = SweepInput(stageCount: 2)
        let rows: [(Float, Bool, Bool, Float, Bool, Bool)] = [
            (0.9, true, true, 0.95, true, true),
            (0.5, false, true, 0.8, true, true),
            (0.3, true, true, 0.6, false, false),
            (Float(0.7), false, false, 0.9, false, true),
            (1.0, true, true, 1.0, true, true),
        ]
        for r in rows {
            input.append(confidences: [r.0, r.3], top1Correct: [r.1, r.4], top5Correct: [r.2, r.5],
                         cumulativeFLOPs: [1000, 4000])
        }
        return input
    }

    struct Expected {
        let eta: Double
        let stage1: StageExit
        let stage2: StageExit
        let top1: Double
        let top5: Double
        let gflops: Double
    }

    static let expected: [Expected] = [
        // η = 0: everyone stops at stage 1: top-1 {0,2,4}, top-5 {0,1,2,4}; 1000 FLOPs each.
        Expected(eta: 0, stage1: StageExit(exits: 5, top1Correct: 3, top5Correct: 4),
                 stage2: StageExit(exits: 0, top1Correct: 0, top5Correct: 0), top1: 0.6, top5: 0.8,
                 gflops: 1000e-9),
        // η = 0.5: image 1's confidence equals 0.5 exactly and stops; only image 2 refines.
        // (4·1000 + 4000) / 5 = 1600.
        Expected(eta: 0.5, stage1: StageExit(exits: 4, top1Correct: 2, top5Correct: 3),
                 stage2: StageExit(exits: 1, top1Correct: 0, top5Correct: 0), top1: 0.4, top5: 0.6,
                 gflops: 1600e-9),
        // η = 0.7: image 3's confidence is Float(0.7) = 0.699999988…, below 0.7 as a double but
        // equal to Float(0.7): it stops (the float32 comparison). (3·1000 + 2·4000) / 5 = 2200.
        Expected(eta: 0.7, stage1: StageExit(exits: 3, top1Correct: 2, top5Correct: 2),
                 stage2: StageExit(exits: 2, top1Correct: 1, top5Correct: 1), top1: 0.6, top5: 0.6,
                 gflops: 2200e-9),
        // η = 0.95: only the saturated image 4 stops. (1000 + 4·4000) / 5 = 3400.
        Expected(eta: 0.95, stage1: StageExit(exits: 1, top1Correct: 1, top5Correct: 1),
                 stage2: StageExit(exits: 4, top1Correct: 2, top5Correct: 3), top1: 0.6, top5: 0.8,
                 gflops: 3400e-9),
        // η = 1.0: a confidence that rounds to exactly 1.0f still stops (as in the official code).
        Expected(eta: 1.0, stage1: StageExit(exits: 1, top1Correct: 1, top5Correct: 1),
                 stage2: StageExit(exits: 4, top1Correct: 2, top5Correct: 3), top1: 0.6, top5: 0.8,
                 gflops: 3400e-9),
        // η > 1: nobody stops; stage 2 decides all: top-1 {0,1,4}, top-5 {0,1,3,4}.
        Expected(eta: 1.01, stage1: StageExit(exits: 0, top1Correct: 0, top5Correct: 0),
                 stage2: StageExit(exits: 5, top1Correct: 3, top5Correct: 4), top1: 0.6, top5: 0.8,
                 gflops: 4000e-9),
    ]

    @Test(arguments: expected.indices)
    func handComputedPoints(_ index: Int) {
        let e = Self.expected[index]
        let p = Sweep.point(Self.handInput(), eta: e.eta)
        #expect(p.eta == e.eta)
        #expect(p.imageCount == 5)
        #expect(p.stages == [e.stage1, e.stage2])
        #expect(abs(p.top1 - e.top1) < 1e-15)
        #expect(abs(p.top5 - e.top5) < 1e-15)
        #expect(abs(p.expectedGFLOPs - e.gflops) < 1e-18)
        #expect(abs(p.stage1ExitShare - Double(e.stage1.exits) / 5) < 1e-15)
        #expect(p.top1Interval == WilsonInterval(successes: p.top1Correct, trials: 5))
    }

    @Test func doubleComparisonWouldDifferAtPointSeven() {
        // The guard against a regression to `Double(confidence) >= η`.
        #expect(Double(Float(0.7)) < 0.7)
        #expect(ExitRule.exitStage(confidences: [Float(0.7), 0.9], threshold: Float(0.7)) == 0)
    }

    @Test func singleStageGivesTheSamePointAtEveryEta() {
        var input = SweepInput(stageCount: 1)
        for (c, ok) in [(Float(0.2), true), (0.9, false), (1.0, true)] {
            input.append(confidences: [c], top1Correct: [ok], top5Correct: [true],
                         cumulativeFLOPs: [4_608_338_304])
        }
        for p in Sweep.evaluate(input) {
            #expect(p.stages == [StageExit(exits: 3, top1Correct: 2, top5Correct: 3)])
            #expect(abs(p.top1 - 2.0 / 3.0) < 1e-15)
            #expect(p.expectedGFLOPs == 4.608338304)
            #expect(p.stage1ExitShare == 1)
        }
    }

    @Test func threeStagesStopAtTheFirstConfidentStage() {
        #expect(ExitRule.exitStage(confidences: [Float(0.3), 0.6, 0.2], threshold: 0.5) == 1)
        #expect(ExitRule.exitStage(confidences: [Float(0.1), 0.2, 0.05], threshold: 0.5) == 2)
        #expect(ExitRule.exitStage(confidences: [Float(0.5), 0.6, 0.2], threshold: 0.5) == 0)
        #expect(ExitRule.exitStage(confidences: [Float(0.4)], threshold: 0.5) == 0)
    }

    @Test func paperScaleExpectedFLOPs() {
        // spec/cf-vit.md §8: 42910 coarse / 7090 fine exits with the 7×7 constants.
        // (42910·1101957888 + 7090·4022324736) / 50000 / 1e9 = 75803295352320 / 5e13
        // = 1.5160659070464 GFLOPs.
        var input = SweepInput(stageCount: 2, reservingImages: 50_000)
        for i in 0..<50_000 {
            input.append(confidences: [i < 42_910 ? 0.9 : 0.1, 0.9], top1Correct: [true, true],
                         top5Correct: [true, true], cumulativeFLOPs: [1_101_957_888, 4_022_324_736])
        }
        let p = Sweep.point(input, eta: 0.5)
        #expect(p.stages[0].exits == 42_910)
        #expect(abs(p.expectedGFLOPs - 1.5160659070464) < 1e-12)
        #expect(abs(p.stage1ExitShare - 0.8582) < 1e-15)
    }

    @Test func defaultGridIsTheOfficialOnePlusOne() {
        let etas = Sweep.defaultEtas
        #expect(etas.count == 101)
        // Each η is the double a user types: "0.07" parses to the same value as 7/100.
        for p in 0...99 {
            let typed = Double(String(format: "0.%02d", p))
            #expect(etas[p] == typed, "η[\(p)]")
        }
        #expect(etas[100] == 1.0)
        // Accumulating 0.01 would drift (six additions give 0.060000000000000005): the grid
        // must not.
        var accumulated = 0.0
        for _ in 0..<6 { accumulated += 0.01 }
        #expect(accumulated != etas[6])
    }

    @Test func emptyInputGivesZeroPointsNotNaN() {
        let p = Sweep.point(SweepInput(stageCount: 2), eta: 0.5)
        #expect(p.imageCount == 0)
        #expect(p.top1 == 0 && p.expectedGFLOPs == 0 && p.stage1ExitShare == 0)
        #expect(p.top1Interval == WilsonInterval(lower: 0, upper: 1))
    }
}
