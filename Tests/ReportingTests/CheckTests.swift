import Foundation
import Testing
@testable import Reporting

/// Baseline / current pairs built by hand: a two-stage model over four images and η 0.3, 0.5,
/// 0.7. The curve of each side is recomputed from its images with the exit rule written out
/// here (first stage whose confidence ≥ Float(η), else the last), so that a per-image change
/// moves the curve the way the store's sweep would.
private struct Img {
    var id: String
    var label: Int
    var classes: [Int]
    var confidences: [Float]
    var margins: [Float]
}

private let stageFLOPs: [Int64] = [1_000_000_000, 3_500_000_000]
private let etas = [0.3, 0.5, 0.7]

private func model(_ images: [Img], name: String = "cf-vit", flops: [Int64] = stageFLOPs) -> CheckModel {
    let curve = etas.map { eta -> CurvePoint in
        var correct = 0, exits = 0, total: Int64 = 0
        for im in images {
            let s = im.confidences[0] >= Float(eta) ? 0 : 1
            if s == 0 { exits += 1 }
            if im.classes[s] == im.label { correct += 1 }
            total += flops[s]
        }
        return CurvePoint(eta: eta, images: images.count, top1Correct: correct, stage1Exits: exits,
                          gflops: Double(total) / Double(images.count) / 1e9)
    }
    return CheckModel(name: name, stageFLOPs: flops, curve: curve, images: images.map { im in
        CheckImage(id: im.id, label: im.label, stages: (0..<2).map { s in
            StagePrediction(predicted: im.classes[s], confidence: im.confidences[s], margin: im.margins[s])
        })
    })
}

private let images = [
    Img(id: "a.png", label: 1, classes: [1, 1], confidences: [0.9, 0.95], margins: [0.85, 0.9]),
    Img(id: "b.png", label: 2, classes: [3, 2], confidences: [0.5, 0.8], margins: [0.2, 0.7]),   // exactly at η 0.5
    Img(id: "c.png", label: 3, classes: [3, 3], confidences: [0.6, 0.7], margins: [0.3, 0.5]),
    Img(id: "d.png", label: 4, classes: [5, 7], confidences: [0.2, 0.40003], margins: [0.1, 0.00005]),
]

private func baseline(_ imgs: [Img] = images) throws -> CheckBaseline {
    try CheckBaseline.build(suite: "mini", source: CheckSource(gitRevision: "abc", date: "2024-05-01T12:00:00Z",
                                                               host: "h", datasetPath: "data/mini"),
                            models: [model(imgs)], etas: etas)
}

@Suite("Regression check")
struct CheckTests {
    @Test func identicalRunsPass() throws {
        let r = RegressionCheck.compare(baseline: try baseline(), current: try baseline())
        #expect(r.passed)
        #expect(r.findings.isEmpty)
        #expect(r.diffText().hasPrefix("repro check: PASSED for suite mini: 1 models, 4 image records, no regressions\n"))
    }

    @Test func flipNearEtaIsAllowed() throws {
        var now = images
        now[1].confidences[0] = 0.49995  // just under η 0.5: b now goes to stage 2 (class 2, correct) at η 0.5
        let r = RegressionCheck.compare(baseline: try baseline(), current: try baseline(now))
        #expect(r.passed, "\(r.diffText())")
        let kinds = r.allowedDifferences.map(\.kind)
        #expect(kinds == [.exitStage, .finalPrediction, .curveTop1, .curveExitShare, .curveGFLOPs])
        #expect(r.allowedDifferences[0].etas == [0.5])
        #expect(r.allowedDifferences[0].message
                == "image b.png: exit stage changes at η 0.50; stage-1 confidence 0.50000 → 0.49995, both within ε 0.00010 of η")
    }

    @Test func flipFarFromEtaIsReported() throws {
        var now = images
        now[2].classes[0] = 4  // c's stage-1 prediction changes with a 0.3 margin: no near-tie
        let r = RegressionCheck.compare(baseline: try baseline(), current: try baseline(now))
        #expect(!r.passed)
        let flip = try #require(r.regressions.first { $0.kind == .stagePrediction })
        #expect(flip.image == "c.png" && flip.stage == 1 && flip.baseline == 3 && flip.current == 4)
        // c exits at stage 1 at η 0.3 and 0.5 (confidence 0.6): its final prediction moved there.
        let final = try #require(r.regressions.first { $0.kind == .finalPrediction })
        #expect(final.etas == [0.3, 0.5])
        #expect(final.message == "image c.png: final prediction changes at η 0.30–0.50 (2 values)")
        // And the curve lost one correct image at those η.
        #expect(r.regressions.filter { $0.kind == .curveTop1 }.map(\.etas) == [[0.3], [0.5]])
        #expect(r.diffText().contains("  REGRESSION  image c.png: stage 1 prediction 3 → 4 (top-2 margin 0.30000 → 0.30000; not a near-tie: ε 0.00010)\n"))
    }

    @Test func nearTieFlipIsAllowed() throws {
        var now = images
        now[3].classes[1] = 8  // d's stage-2 top two are 0.00005 apart
        let r = RegressionCheck.compare(baseline: try baseline(), current: try baseline(now))
        #expect(r.passed, "\(r.diffText())")
        #expect(r.allowedDifferences.first?.kind == .stagePrediction)
        #expect(r.allowedDifferences.first?.message.hasSuffix("a near-tie, both ≤ ε 0.00010)") == true)
    }

    @Test func anExcusedFlipThatKeepsCorrectnessExplainsNoCurveMove() throws {
        var now = images
        now[3].classes[1] = 8  // d: 7 → 8 at stage 2, a near-tie, but wrong either way (label 4)
        let b = try baseline()
        var c = try baseline(now)
        c.models[0].curve[2].top1Correct += 1  // η 0.7 (d is decided at stage 2 there)
        let r = RegressionCheck.compare(baseline: b, current: c)
        #expect(r.regressions.map(\.kind) == [.curveTop1])
        #expect(r.regressions[0].message.contains("0 explained by allowed changes"))
    }

    @Test func aDriftAcrossEtaIsExcusedOnlyWhenBothSidesAreNearIt() throws {
        var now = images
        now[1].confidences[0] = 0.4998  // b was exactly at η 0.5; now 2e-4 below it
        let r = RegressionCheck.compare(baseline: try baseline(), current: try baseline(now),
                                        tolerances: CheckTolerances(confidence: 1e-3))
        #expect(r.regressions.map(\.kind) == [.exitStage, .finalPrediction, .curveTop1, .curveExitShare, .curveGFLOPs])
        #expect(r.regressions.allSatisfy { $0.etas == [0.5] })
    }

    @Test func exitChangeFarFromEtaIsReported() throws {
        var now = images
        now[0].confidences[0] = 0.6  // a: 0.9 → 0.6, now goes to stage 2 at η 0.7
        let r = RegressionCheck.compare(baseline: try baseline(), current: try baseline(now))
        #expect(!r.passed)
        let conf = try #require(r.regressions.first { $0.kind == .confidence })
        #expect(conf.message == "image a.png: stage 1 confidence 0.90000 → 0.60000 (|Δ| 0.30000 > 0.00010)")
        let exit = try #require(r.regressions.first { $0.kind == .exitStage })
        #expect(exit.etas == [0.7])
        #expect(exit.message == "image a.png: exits at stage 2 instead of 1 at η 0.70; stage-1 confidence 0.90000 → 0.60000, not both within ε of η")
        // Stage 2 is also correct for a: top-1 does not move, the exit share and GFLOPs do.
        #expect(!r.regressions.contains { $0.kind == .curveTop1 })
        #expect(r.regressions.contains { $0.kind == .curveExitShare && $0.etas == [0.7] })
        #expect(r.regressions.contains { $0.kind == .curveGFLOPs && $0.etas == [0.7] })
    }

    @Test func flopsChangeIsReported() throws {
        let b = try baseline()
        var c = try baseline()
        c.models[0].stageFLOPs[1] += 64
        let r = RegressionCheck.compare(baseline: b, current: c)
        #expect(!r.passed)
        #expect(r.regressions.map(\.kind) == [.stageFLOPs])
        #expect(r.regressions[0].message == "stage 2 cumulative FLOPs 3500000000 → 3500000064 (+64); FLOPs must match exactly")
    }

    @Test func curveShiftIsReported() throws {
        let b = try baseline()
        var c = try baseline()
        c.models[0].curve[2].top1Correct -= 1  // η 0.7: a, b, c correct (3 of 4), now 2, with no image to explain it
        c.models[0].curve[1].gflops += 0.01
        let r = RegressionCheck.compare(baseline: b, current: c)
        #expect(r.regressions.map(\.kind) == [.curveGFLOPs, .curveTop1])
        #expect(r.regressions[1].message
                == "curve η 0.70: top-1 75.00% → 50.00% (-1 images; 0 explained by allowed changes, tolerance 0.00 pp)")
        // A tolerance wide enough lets it through.
        let loose = RegressionCheck.compare(baseline: b, current: c,
                                            tolerances: CheckTolerances(curveTop1: 25, curveGFLOPs: 0.02))
        #expect(loose.passed)
    }

    @Test func structuralChangesAreReported() throws {
        let b = try baseline()
        var c = try baseline()
        c.models[0].images.removeLast()
        c.models[0].images[0].label = 9
        c.models.append(CheckModel(name: "new", stageFLOPs: [1], curve: [], images: []))
        let r = RegressionCheck.compare(baseline: b, current: c)
        let kinds = Set(r.regressions.map(\.kind))
        #expect(kinds.isSuperset(of: [.missingImage, .label, .extraModel]))
        let r2 = RegressionCheck.compare(baseline: c, current: b)
        #expect(r2.regressions.contains { $0.kind == .missingModel && $0.model == "new" })
        #expect(r2.regressions.contains { $0.kind == .extraImage && $0.image == "d.png" })
    }

    @Test func baselineFileRoundTripsAndIsStable() throws {
        var b = try baseline()
        b.tolerances = CheckTolerances(epsilon: 2e-4)
        b.models[0].images[0].id = "odd \"name\"\\x.png"
        let text = b.jsonText()
        #expect(text == b.jsonText())
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reporting-check-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("mini.json").path
        try b.save(path: path)
        let back = try CheckBaseline.load(path: path)
        #expect(back == b)  // float32 confidences come back bit for bit
        #expect(back.models[0].images[3].stages[1].confidence == Float(0.40003))
        // One image per line.
        #expect(text.contains("\n        {\"id\": \"b.png\", \"label\": 2, \"classes\": [3, 2], \"confidences\": [0.5, 0.800000011920929], \"margins\": [0.20000000298023224, 0.699999988079071]},\n"))
    }

    @Test func badBaselineFilesAreTypedErrors() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reporting-bad-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("bad.json").path
        try Data(#"{"format": 1, "suite": "x", "etas": [], "models": []}"#.utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: ReportError.baselineFile(path: path, problem: "missing field 'source'")) {
            try CheckBaseline.load(path: path)
        }
        try Data("not json".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: ReportError.self) { try CheckBaseline.load(path: path) }
        try Data(b2().utf8).write(to: URL(fileURLWithPath: path))
        do {
            _ = try CheckBaseline.load(path: path)
            Issue.record("a baseline with a format from the future loaded")
        } catch let e as ReportError {
            #expect(e.description.contains("format 99"))
        }
        #expect(throws: ReportError.self) { try CheckBaseline.load(path: dir.appendingPathComponent("none.json").path) }
    }

    private func b2() throws -> String {
        try baseline().jsonText().replacingOccurrences(of: "\"format\": 1", with: "\"format\": 99")
    }

    @Test func stagePredictionFromTopK() {
        let p = StagePrediction(topClasses: [7, 2, 9], topProbabilities: [0.5, 0.25, 0.125])
        #expect(p == StagePrediction(predicted: 7, confidence: 0.5, margin: 0.25))
        #expect(StagePrediction(topClasses: [1], topProbabilities: [0.75])?.margin == 0.75)
        #expect(StagePrediction(topClasses: [], topProbabilities: []) == nil)
    }

    @Test func etaRangesAreCompact() {
        let grid = (0...100).map { Double($0) / 100 }
        #expect(etaRanges([0.3, 0.31, 0.32, 0.5, 0.7, 0.71], grid: grid) == "η 0.30–0.32, 0.50, 0.70–0.71 (6 values)")
        #expect(etaRanges([0.99], grid: grid) == "η 0.99")
    }
}

@Suite("Regression check: single-stage models")
struct SingleStageCheckTests {
    private func plain(_ classes: [Int], margins: [Float]) -> CheckBaseline {
        let labels = [1, 2, 3]
        let correct = zip(classes, labels).filter { $0 == $1 }.count
        let m = CheckModel(name: "deit-s", stageFLOPs: [4_608_338_304],
                           curve: [CurvePoint(eta: nil, images: 3, top1Correct: correct, stage1Exits: 3, gflops: 4.608338304)],
                           images: classes.indices.map {
                               CheckImage(id: "i\($0)", label: labels[$0],
                                          stages: [StagePrediction(predicted: classes[$0], confidence: 0.5, margin: margins[$0])])
                           })
        return CheckBaseline(suite: "s", source: CheckSource(gitRevision: "r", date: "d", host: "h", datasetPath: "p"),
                             etas: [], models: [m])
    }

    @Test func nearTieFlipMovesTheSinglePointWithinTolerance() {
        let b = plain([1, 2, 3], margins: [0.3, 0.00002, 0.3])
        let c = plain([1, 5, 3], margins: [0.3, 0.00002, 0.3])
        let r = RegressionCheck.compare(baseline: b, current: c)
        #expect(r.passed, "\(r.diffText())")
        #expect(r.allowedDifferences.map(\.kind) == [.stagePrediction, .curveTop1])
    }

    @Test func clearFlipFails() {
        let b = plain([1, 2, 3], margins: [0.3, 0.3, 0.3])
        let c = plain([1, 5, 3], margins: [0.3, 0.3, 0.3])
        let r = RegressionCheck.compare(baseline: b, current: c)
        #expect(r.regressions.map(\.kind) == [.stagePrediction, .curveTop1])
        #expect(r.regressions[1].message.hasPrefix("curve single stage: top-1 100.00% → 66.67%"))
    }
}
