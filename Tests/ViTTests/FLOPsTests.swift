import Foundation
import Testing
@testable import ViT

// Every expected number below is published, not computed by the code under test:
// spec/cf-vit.md §9 (fvcore 0.1.5 on the official CF-ViT classes, checkpoint constants, the
// notebook's curves), spec/lf-vit.md §6 (the first commit's constants), and the CF-ViT paper
// (Tables 1 and 6, ../papers/cf-vit-paper.txt).

private func preset(_ name: String) throws -> ModelSpec {
    try #require(ModelPresets.spec(named: name), "preset \(name) is missing")
}

private func twoStage(_ name: String, _ edit: (inout TwoStageConfig) -> Void) throws -> ModelSpec {
    guard case var .twoStage(config) = try preset(name) else {
        Issue.record("preset \(name) is not a two-stage model")
        throw FLOPs.InvalidModel(problems: ["not two-stage"])
    }
    edit(&config)
    return .twoStage(config)
}

@Suite("FLOPs: DeiT-S backbone")
struct DeiTFLOPsTests {
    @Test func plainDeiTSmall() throws {
        #expect(try FLOPs.count(preset("deit-s")) == [4_608_338_304])
        // Table 1 prints 4.60 G (the MAC-only reading) where fvcore would print 4.61.
        #expect(try FLOPs.count(preset("deit-s"), convention: .macsOnly) == [4_598_882_304])
    }

    @Test func cfvit7x7() throws {
        let spec = try preset("cf-vit-deit-s-7x7")
        #expect(try FLOPs.count(spec) == [1_101_957_888, 4_022_324_736])
        #expect(try FLOPs.count(spec, convention: .macsOnly) == [1_099_557_888, 4_013_755_392])
        // The checkpoint constant [1.1, 4.0].
        let c = try FLOPs.count(spec)
        #expect(c.map { FLOPs.giga($0, decimals: 1) } == ["1.1", "4.0"])
    }

    @Test func cfvit7x7FineStageComponents() throws {
        let report = try FLOPs.report(preset("cf-vit-deit-s-7x7"))
        let fine = report.stages[1]
        #expect(fine.tokens == 125)
        #expect(fine.embeddedPatches == 196)
        let expected: [(FLOPs.Component, Int)] = [
            (.patchEmbed, 57_802_752), (.reuseLayerNorm, 94_080), (.reuseMLP, 57_802_752),
            (.upsample, 75_264), (.blockLinear, 2_654_208_000), (.attentionMatmul, 144_000_000),
            (.blockLayerNorm, 5_760_000), (.finalLayerNorm, 240_000), (.head, 384_000),
        ]
        #expect(fine.parts.map(\.component) == expected.map(\.0))
        for (component, flops) in expected {
            #expect(fine.flops(component) == flops, "\(component.rawValue)")
        }
        #expect(fine.parts.allSatisfy { $0.counted })
        #expect(fine.total == 2_920_366_848)
        // MAC-only fine stage: 2,914,197,504.
        let macs = try FLOPs.report(preset("cf-vit-deit-s-7x7"), options: .init(convention: .macsOnly))
        #expect(macs.stages[1].total == 2_914_197_504)
        #expect(report.stages[0].tokens == 50)
    }

    @Test func cfvit9x9Rounding() throws {
        let floor = try twoStage("cf-vit-deit-s-9x9") { $0.rounding = .floor }
        let ceil = try twoStage("cf-vit-deit-s-9x9") { $0.rounding = .ceil }
        #expect(try FLOPs.count(floor) == [1_831_336_704, 6_698_049_408])
        #expect(try FLOPs.count(ceil) == [1_831_336_704, 6_773_147_136])
        #expect(try FLOPs.count(ceil, convention: .macsOnly)[0] == 1_827_400_704)
        // Checkpoint constant [1.831, 6.698] (made with int(α·Nc)).
        #expect(try FLOPs.count(floor).map { FLOPs.giga($0, decimals: 3) } == ["1.831", "6.698"])
    }

    @Test func cfvitTable6AlphaSweep() throws {
        let alphas = [0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
        let threeDecimals = ["3.671", "4.022", "4.378", "4.738", "5.102", "5.471"]
        let paper = ["3.7", "4.0", "4.4", "4.7", "5.1", "5.5"]
        for (i, alpha) in alphas.enumerated() {
            let spec = try twoStage("cf-vit-deit-s-7x7") { $0.alpha = alpha }
            let total = try FLOPs.count(spec)[1]
            #expect(FLOPs.giga(total, decimals: 3) == threeDecimals[i], "α = \(alpha)")
            #expect(FLOPs.giga(total, decimals: 1) == paper[i], "α = \(alpha)")
            let macs = try FLOPs.count(spec, convention: .macsOnly)[1]
            #expect(FLOPs.giga(macs, decimals: 1) == paper[i], "MAC-only, α = \(alpha)")
        }
        // int() rounding would not reproduce the table at α = 0.6 and 0.8.
        for (alpha, wrong) in [(0.6, "4.3"), (0.8, "5.0")] {
            let spec = try twoStage("cf-vit-deit-s-7x7") { $0.alpha = alpha; $0.rounding = .floor }
            #expect(FLOPs.giga(try FLOPs.count(spec)[1], decimals: 1) == wrong)
        }
    }

    @Test func cfvitAblationConstants() throws {
        // "w/o informative region identification": all 196 fine tokens plus reuse.
        let all = try twoStage("cf-vit-deit-s-7x7") { $0.alpha = 1 }
        let report = try FLOPs.report(all)
        #expect(report.stages[1].tokens == 197)
        #expect(FLOPs.giga(report.cumulative[1]) == "5.768268")
        // "w/o feature reuse" ends at 3.9 ≈ 3.894 with k = 24.
        let noReuse = try twoStage("cf-vit-deit-s-7x7") { $0.featureReuse = false; $0.rounding = .floor }
        #expect(FLOPs.giga(try FLOPs.count(noReuse)[1], decimals: 3) == "3.894")
        let parts = try FLOPs.report(noReuse).stages[1].parts.map(\.component)
        #expect(!parts.contains(.reuseMLP) && !parts.contains(.reuseLayerNorm) && !parts.contains(.upsample))
    }
}

@Suite("FLOPs: LF-ViT")
struct LFViTFLOPsTests {
    @Test func firstCommitConstants() throws {
        let m5 = try preset("lf-vit-deit-s-7x7")
        #expect(try FLOPs.count(m5) == [1_101_957_888, 3_810_416_256])
        let m6 = try twoStage("lf-vit-deit-s-7x7") { $0.regionSize = 6 }
        #expect(try FLOPs.count(m6) == [1_101_957_888, 4_521_303_936])
        let nine6 = try twoStage("lf-vit-deit-s-9x9") { $0.regionSize = 6 }
        #expect(try FLOPs.count(nine6) == [1_831_336_704, 6_102_855_552])
    }

    @Test func nineByNineWindows() throws {
        let nine5 = try twoStage("lf-vit-deit-s-9x9") { $0.regionSize = 5 }
        #expect(try FLOPs.count(nine5) == [1_831_336_704, 5_374_273_152])
        #expect(try FLOPs.report(nine5).stages[1].tokens == 148)
        let nine8 = try preset("lf-vit-deit-s-9x9")
        #expect(try FLOPs.count(nine8) == [1_831_336_704, 7_996_887_552])
        #expect(try FLOPs.report(nine8).stages[1].tokens == 253)
    }

    @Test func focusHeadIsAnExplicitChoice() throws {
        let m5 = try preset("lf-vit-deit-s-7x7")
        // fvcore on the official forward: flops[1] + 384,000.
        #expect(try FLOPs.count(m5, countStage2Classifier: true) == [1_101_957_888, 3_810_800_256])
        let report = try FLOPs.report(m5)
        #expect(report.stages[1].tokens == 116)
        let head = try #require(report.stages[1].parts.first { $0.component == .head })
        #expect(head.flops == 384_000 && !head.counted)
        // CF-ViT counts it by default and can leave it out.
        let cf = try preset("cf-vit-deit-s-7x7")
        #expect(try FLOPs.count(cf, countStage2Classifier: false)[1] == 4_022_324_736 - 384_000)
    }

    @Test func droppedCoarseTokensShortenTheSequence() throws {
        let kept = try FLOPs.report(preset("lf-vit-deit-s-7x7"))
        let dropped = try FLOPs.report(twoStage("lf-vit-deit-s-7x7") { $0.reuseCoarseTokens = false })
        #expect(dropped.stages[1].tokens == 1 + 4 * 22)
        #expect(dropped.cumulative[1] < kept.cumulative[1])
        #expect(dropped.cumulative[0] == kept.cumulative[0])
    }
}

@Suite("FLOPs: LV-ViT-S backbone")
struct LVViTFLOPsTests {
    @Test func officialConstantsUseTrainModeBatchNorm() throws {
        let seven = try preset("cf-vit-lvvit-s-7x7")
        #expect(FLOPs.Convention.official(for: seven) == .fvcoreTrainBN)
        let c7 = try FLOPs.count(seven, convention: .fvcoreTrainBN)
        #expect(c7.map { FLOPs.giga($0) } == ["1.573531", "6.177274"])
        let c7floor = try FLOPs.count(twoStage("cf-vit-lvvit-s-7x7") { $0.rounding = .floor },
                                      convention: .fvcoreTrainBN)
        #expect(c7floor.map { FLOPs.giga($0) } == ["1.573531", "6.096048"])
        let c9floor = try FLOPs.count(twoStage("cf-vit-lvvit-s-9x9") { $0.rounding = .floor },
                                      convention: .fvcoreTrainBN)
        #expect(c9floor.map { FLOPs.giga($0) } == ["2.617286", "10.300197"])
        // The checkpoint list [1.574, 6.096], [2.617, 10.3]; the notebook's 7×7 curve ends at 6.177.
        #expect(c7floor.map { FLOPs.giga($0, decimals: 3) } == ["1.574", "6.096"])
    }

    @Test func evalModeBatchNorm() throws {
        let c7 = try FLOPs.count(preset("cf-vit-lvvit-s-7x7"), convention: .fvcore)
        let c9 = try FLOPs.count(preset("cf-vit-lvvit-s-9x9"), convention: .fvcore)
        #expect(FLOPs.giga(c7[0]) == "1.571725")
        #expect(FLOPs.giga(c9[0]) == "2.614300")
    }

    @Test func plainLVViTSmall() throws {
        // The LV-ViT paper's and CF-ViT Table 2's 6.6 G.
        let spec = try preset("lv-vit-s")
        #expect(FLOPs.giga(try FLOPs.count(spec, convention: .fvcoreTrainBN)[0], decimals: 1) == "6.6")
        #expect(FLOPs.giga(try FLOPs.count(spec, convention: .fvcore)[0], decimals: 1) == "6.6")
        let parts = try FLOPs.report(spec).stages[0].parts.map(\.component)
        #expect(parts == [.stemConvs, .stemBatchNorm, .patchEmbed, .blockLinear, .attentionMatmul,
                          .blockLayerNorm, .finalLayerNorm, .head, .auxHead])
    }

    @Test func deitHasNoBatchNormSoConventionsAgree() throws {
        let spec = try preset("cf-vit-deit-s-7x7")
        #expect(FLOPs.Convention.official(for: spec) == .fvcore)
        #expect(try FLOPs.count(spec, convention: .fvcoreTrainBN) == FLOPs.count(spec, convention: .fvcore))
    }
}

@Suite("FLOPs: properties and helpers")
struct FLOPsHelperTests {
    @Test func cumulativeGrowsWithAlpha() throws {
        var last = 0
        for step in 0...10 {
            let spec = try twoStage("cf-vit-deit-s-7x7") { $0.alpha = Double(step) / 10 }
            let c = try FLOPs.count(spec)
            #expect(c[1] > c[0])
            #expect(c[1] >= last)
            last = c[1]
        }
    }

    @Test func invalidModelsAreRefusedNamingTheField() throws {
        let badAlpha = try twoStage("cf-vit-deit-s-7x7") { $0.alpha = 1.5 }
        #expect(throws: FLOPs.InvalidModel.self) { try FLOPs.count(badAlpha) }
        do {
            _ = try FLOPs.count(twoStage("lf-vit-deit-s-7x7") { $0.regionSize = 8 })
            Issue.record("m = 8 on a 7×7 grid was accepted")
        } catch let error as FLOPs.InvalidModel {
            #expect(error.description.contains("region_size"))
        }
    }

    @Test func gigaRoundsHalfUpFromTheInteger() {
        #expect(FLOPs.giga(4_608_338_304) == "4.608338")
        #expect(FLOPs.giga(4_608_338_304, decimals: 2) == "4.61")
        #expect(FLOPs.giga(1_500, decimals: 6) == "0.000002")
        #expect(FLOPs.giga(1_499, decimals: 6) == "0.000001")
        #expect(FLOPs.giga(2_614_300_000, decimals: 6) == "2.614300")
        #expect(FLOPs.giga(7_000_000_000, decimals: 0) == "7")
        #expect(FLOPs.giga(949_999_999, decimals: 1) == "0.9")
        #expect(FLOPs.giga(950_000_000, decimals: 1) == "1.0")
        #expect(FLOPs.giga(1_234_567_891, decimals: 12) == "1.234567891")
    }
}
