import Checkpoint
import Testing
@testable import Tensor
@testable import ViT

/// Properties of the two-stage models that hold for any weights (seeded random here).
struct TwoStagePropertyTests {
    static let tiny = ViTConfig(imageSize: 56, patchSize: 4, embedDim: 32, depth: 5, numHeads: 2,
                                mlpHidden: 64, numClasses: 10)

    func model(_ method: TwoStageConfig.Method, _ edit: (inout TwoStageConfig) -> Void = { _ in }) throws -> TwoStageModel {
        var config = TwoStageConfig(method: method, backbone: Self.tiny)
        edit(&config)
        return try TwoStageModel(config: config, stateDict: .random(for: .twoStage(config), seed: 42))
    }

    let images = Tensor.randomNormal([6, 3, 56, 56], seed: 5)

    @Test(arguments: [TwoStageConfig.Method.cfvit, .lfvit])
    func earlyExitAgreesWithBothStages(method: TwoStageConfig.Method) throws {
        let m = try model(method)
        let both = m.forward(images)
        let k = Self.tiny.numClasses
        for eta in [0.0, 0.3, 0.5, 0.7, 1.0, 1.01] {
            let ee = m.forwardEarlyExit(images, threshold: eta)
            for b in 0..<6 {
                // The two paths need not batch alike (stage 2 runs only on the images below η),
                // which may move GEMM results by an ulp.
                let p1 = Classification.probabilities(both.stage1Logits.row(b)).max()!
                #expect(abs(ee.stage1Confidence[b] - p1) <= 1e-6)
                #expect(ee.exited[b] == (ee.stage1Confidence[b] >= Float(eta)))
                let expected = ee.exited[b] ? both.stage1Logits.row(b) : both.stage2Logits.row(b)
                let got = ee.logits.row(b)
                for j in 0..<k { #expect(abs(got[got.startIndex + j] - expected[expected.startIndex + j]) < 1e-5) }
                if !ee.exited[b] { #expect(ee.selections[b] == both.selections[b]) }
            }
        }
    }

    @Test func etaZeroExitsEveryoneAndAboveOneNobody() throws {
        let m = try model(.cfvit)
        #expect(m.forwardEarlyExit(images, threshold: 0).exited.allSatisfy { $0 })
        #expect(m.forwardEarlyExit(images, threshold: 1.000001).exited.allSatisfy { !$0 })
    }

    @Test func alphaOneRefinesEveryCell() throws {
        let m = try model(.cfvit) { $0.alpha = 1 }
        #expect(m.config.stage2Tokens == 1 + Self.tiny.numPatches)
        let out = m.forward(images, taps: true)
        #expect(out.stage2Tokens!.shape == [6, 197 - 196 + Self.tiny.numPatches, 32])
        for l in out.layouts {
            #expect(Set(l.selection.fineIndices) == Set(0..<196))
            #expect(l.coarseCells.isEmpty)
        }
    }

    @Test func cfvitSelectsTopScoresAndKeepsTheRestInOrder() throws {
        let out = try model(.cfvit).forward(images)
        for b in 0..<6 {
            let s = Array(out.scores.row(b))
            let sel = out.selections[b], coarse = out.layouts[b].coarseCells
            #expect(sel.cells.count == 25 && coarse.count == 24)
            #expect(Set(sel.cells + coarse) == Set(0..<49))
            #expect(sel.gcaScores == s && sel.gridSide == 7 && sel.window == nil)
            let order = sel.cells + coarse
            for i in 1..<order.count { #expect(s[order[i - 1]] >= s[order[i]]) }
        }
    }

    @Test func lfvitRefinesInsideTheBestWindow() throws {
        let out = try model(.lfvit).forward(images)
        for b in 0..<6 {
            let s = Array(out.scores.row(b))
            let sel = out.selections[b]
            let w = try #require(sel.window)
            #expect(sel.cells.count == 22 && out.layouts[b].coarseCells.count == 49 - 22)
            var best: Float = -.infinity
            for i in 0...2 { for j in 0...2 {
                var sum: Float = 0
                for r in i..<(i + 5) { for c in j..<(j + 5) { sum += s[r * 7 + c] } }
                best = max(best, sum)
            } }
            var chosen: Float = 0
            for r in w.row..<(w.row + 5) { for c in w.column..<(w.column + 5) { chosen += s[r * 7 + c] } }
            #expect(chosen == best)
            for cell in sel.cells {
                #expect((w.row..<(w.row + 5)).contains(cell / 7) && (w.column..<(w.column + 5)).contains(cell % 7))
            }
        }
    }

    /// spec/lf-vit.md §5.5: the official `generate(7, 5)` outside-cell order, entry by entry.
    @Test func lfvitOutsideOrderMatchesOfficialTable() {
        let table: [(Int, Int, [Int])] = [
            (0, 0, [5, 6, 12, 13, 19, 20, 26, 27, 33, 34] + Array(35...48)),
            (0, 1, [0, 6, 7, 13, 14, 20, 21, 27, 28, 34] + Array(35...48)),
            (0, 2, [0, 1, 7, 8, 14, 15, 21, 22, 28, 29] + Array(35...48)),
            (1, 0, [12, 13, 19, 20, 26, 27, 33, 34, 40, 41] + Array(0...6) + Array(42...48)),
            (1, 1, [7, 13, 14, 20, 21, 27, 28, 34, 35, 41] + Array(0...6) + Array(42...48)),
            (1, 2, [7, 8, 14, 15, 21, 22, 28, 29, 35, 36] + Array(0...6) + Array(42...48)),
            (2, 0, [19, 20, 26, 27, 33, 34, 40, 41, 47, 48] + Array(0...13)),
            (2, 1, [14, 20, 21, 27, 28, 34, 35, 41, 42, 48] + Array(0...13)),
            (2, 2, [14, 15, 21, 22, 28, 29, 35, 36, 42, 43] + Array(0...13)),
        ]
        for (i, j, outside) in table {
            #expect(LFViTSelection.outsideCells(row: i, column: j, size: 5, grid: 7) == outside)
            #expect(LFViTSelection.windowCells(row: i, column: j, size: 5, grid: 7).first == i * 7 + j)
        }
    }

    @Test func dropCoarseTokensShortensStage2() throws {
        let m = try model(.lfvit) { $0.reuseCoarseTokens = false }
        #expect(m.config.stage2Tokens == 1 + 4 * 22)
        let out = m.forward(images, taps: true)
        #expect(out.stage2Tokens!.shape == [6, 89, 32])
        #expect(out.layouts.allSatisfy { $0.coarseCells.isEmpty })
    }

    @Test func randomRegionsDependOnSeedAndKeyOnly() throws {
        let a = try model(.cfvit) { $0.regionScore = .random; $0.randomSeed = 1 }
        let b = try model(.cfvit) { $0.regionScore = .random; $0.randomSeed = 2 }
        let keys: [UInt64] = [10, 11, 12, 13, 14, 15]
        let first = a.forward(images, imageKeys: keys).selections
        #expect(a.forward(images, imageKeys: keys).selections == first)
        #expect(b.forward(images, imageKeys: keys).selections != first)
        // The same image key gives the same cells whatever its position in the batch.
        let single = a.forward(Tensor(shape: [1, 3, 56, 56], scalars: Array(images.row(3))), imageKeys: [13]).selections
        #expect(single[0].cells == first[3].cells)
    }

    @Test func invalidConfigsAreRefusedNamingTheField() {
        var c = TwoStageConfig(method: .lfvit, backbone: Self.tiny, regionSize: 8)
        #expect(throws: ModelLoadError.self) { try TwoStageModel(config: c, stateDict: StateDict()) }
        #expect(c.problems().contains { $0.contains("region_size") })
        c = TwoStageConfig(method: .cfvit, backbone: Self.tiny, alpha: 1.5)
        #expect(c.problems().contains { $0.contains("alpha") })
    }

    @Test func wrongGridWeightsAreReported() throws {
        let c7 = TwoStageConfig(method: .cfvit, backbone: Self.tiny)
        var big = Self.tiny
        big.imageSize = 72
        let c9 = TwoStageConfig(method: .cfvit, backbone: big)
        let error = #expect(throws: ModelLoadError.self) {
            try TwoStageModel(config: c7, stateDict: .random(for: .twoStage(c9), seed: 1))
        }
        #expect(error?.mismatchedKeys.contains("pos_embed_list.0") == true)
    }
}

/// Checkpoint layouts against the key counts the spec lists for the official models
/// (spec/cf-vit.md §10, spec/lf-vit.md §8): a layout drift would reject real checkpoints.
struct LayoutTests {
    @Test func officialKeyCountsAndParameterCounts() {
        func count(_ name: String) -> (keys: Int, params: Int) {
            let layout = KeyMap.layout(for: ModelPresets.spec(named: name)!)
            return (layout.count, layout.reduce(0) { $0 + $1.shape.reduce(1, *) })
        }
        #expect(count("cf-vit-deit-s-7x7").keys == 159)
        #expect(count("cf-vit-deit-s-7x7").params == 23_252_200)
        #expect(count("cf-vit-deit-s-9x9").params == 23_313_640)
        #expect(count("lf-vit-deit-s-7x7").keys == 159)
        // 211 entries in the official LV-ViT checkpoint: the 208 tensors the model uses plus the
        // three BatchNorm `num_batches_tracked` counters, which loading accepts and ignores.
        let lv = KeyMap.layout(for: ModelPresets.spec(named: "cf-vit-lvvit-s-7x7")!)
        #expect(lv.count + 3 == 211)
        #expect(!lv.contains { $0.key.hasSuffix("attn.qkv.bias") })
        #expect(lv.contains { $0.key == "aux_head.weight" && $0.shape == [1000, 384] })
    }
}
