import Domain
import Foundation

/// `repro check`: the current run against the committed baseline.
///
/// Rules (per model):
/// - Stage FLOPs must be equal, exactly.
/// - The image sets and labels must be equal.
/// - Per image and stage: the confidence may move by at most `tolerances.confidence`; the
///   predicted class may change only where the top-2 margin is ≤ ε in both runs (a near-tie).
/// - Per image and η of `baseline.etas`: the exit stage may change only where the stage-1
///   confidence is within ε of that η in both runs; the final prediction may change only
///   through such an exit change or an excused stage flip.
/// - Per curve point: top-1 may move by the number of excused final-prediction changes at that
///   η that change the image's correctness (all of them when the label is unknown), stage-1
///   exits by the number of excused exit changes, each plus the curve tolerance; GFLOPs by what the excused exit changes explain plus
///   `curveGFLOPs`. A curve point whose η is not in `baseline.etas` gets no excuse.
public enum RegressionCheck {
    public static func compare(baseline: CheckBaseline, current: CheckBaseline,
                               tolerances: CheckTolerances? = nil) -> CheckResult {
        let tol = tolerances ?? baseline.tolerances ?? CheckTolerances()
        var findings: [CheckFinding] = []
        var images = 0
        var compared = 0
        for b in baseline.models {
            guard let c = current.models.first(where: { $0.name == b.name }) else {
                findings.append(CheckFinding(kind: .missingModel, model: b.name, image: nil, stage: nil, etas: [],
                                             baseline: nil, current: nil, allowed: false,
                                             message: "model is in the baseline but not in the current run"))
                continue
            }
            compared += 1
            images += b.images.count
            findings += compareModel(b, c, etas: baseline.etas, tol: tol)
        }
        for c in current.models where !baseline.models.contains(where: { $0.name == c.name }) {
            findings.append(CheckFinding(kind: .extraModel, model: c.name, image: nil, stage: nil, etas: [],
                                         baseline: nil, current: nil, allowed: false,
                                         message: "model is in the current run but not in the baseline (update the baseline deliberately with `repro check --update`)"))
        }
        return CheckResult(suite: baseline.suite, tolerances: tol, modelsCompared: compared, imagesCompared: images,
                           findings: findings)
    }


    /// Whether a prediction change can move the top-1 count (unknown label: assume it can).
    static func changesCorrectness(_ before: Int, _ after: Int, label: Int?) -> Bool {
        guard let label else { return true }
        return (before == label) != (after == label)
    }

    private static func f(_ x: Double, _ d: Int = 5) -> String { Fixed.string(x, d) }

    static func compareModel(_ b: CheckModel, _ c: CheckModel, etas: [Double], tol: CheckTolerances) -> [CheckFinding] {
        var out: [CheckFinding] = []
        func add(_ kind: CheckFinding.Kind, image: String? = nil, stage: Int? = nil, etas: [Double] = [],
                 _ before: Double?, _ after: Double?, allowed: Bool, _ message: String) {
            out.append(CheckFinding(kind: kind, model: b.name, image: image, stage: stage, etas: etas,
                                    baseline: before, current: after, allowed: allowed, message: message))
        }
        let sortedEtas = etas.sorted()
        let stageCount = b.stageFLOPs.count
        if b.stageFLOPs != c.stageFLOPs {
            for s in 0..<max(b.stageFLOPs.count, c.stageFLOPs.count) {
                let x = s < b.stageFLOPs.count ? b.stageFLOPs[s] : nil
                let y = s < c.stageFLOPs.count ? c.stageFLOPs[s] : nil
                guard x != y else { continue }
                let delta = (x != nil && y != nil) ? " (\(y! - x! >= 0 ? "+" : "")\(y! - x!))" : ""
                add(.stageFLOPs, stage: s + 1, x.map(Double.init), y.map(Double.init), allowed: false,
                    "stage \(s + 1) cumulative FLOPs \(x.map(String.init) ?? "none") → \(y.map(String.init) ?? "none")\(delta); FLOPs must match exactly")
            }
            if b.stageFLOPs.count != c.stageFLOPs.count { return out }  // per-image stages no longer line up
        }

        // Per-η counts of excused changes, for the curve.
        var excusedFinal = [Int](repeating: 0, count: sortedEtas.count)
        var excusedExit = [Int](repeating: 0, count: sortedEtas.count)
        var excusedSingleStage = 0
        let currentByID = Dictionary(c.images.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let baselineIDs = Set(b.images.map(\.id))
        for image in b.images {
            guard let now = currentByID[image.id] else {
                add(.missingImage, image: image.id, nil, nil, allowed: false, "image \(image.id) is missing from the current run")
                continue
            }
            let id = image.id
            if image.label != now.label {
                add(.label, image: id, image.label.map(Double.init), now.label.map(Double.init), allowed: false,
                    "image \(id): label \(image.label.map(String.init) ?? "none") → \(now.label.map(String.init) ?? "none") (the dataset changed)")
            }
            var stageFlipExcused = [Bool](repeating: true, count: stageCount)
            for s in 0..<stageCount {
                let x = image.stages[s], y = now.stages[s]
                if x.predicted != y.predicted {
                    let margin = Double(max(x.margin, y.margin))
                    let ok = margin <= tol.epsilon
                    stageFlipExcused[s] = ok
                    add(.stagePrediction, image: id, stage: s + 1, Double(x.predicted), Double(y.predicted), allowed: ok,
                        "image \(id): stage \(s + 1) prediction \(x.predicted) → \(y.predicted) (top-2 margin \(f(Double(x.margin))) → \(f(Double(y.margin))); "
                            + (ok ? "a near-tie, both ≤ ε \(f(tol.epsilon)))" : "not a near-tie: ε \(f(tol.epsilon)))"))
                    if ok && stageCount == 1 && changesCorrectness(x.predicted, y.predicted, label: image.label) {
                        excusedSingleStage += 1
                    }
                }
                let dc = abs(Double(x.confidence) - Double(y.confidence))
                if dc > tol.confidence {
                    add(.confidence, image: id, stage: s + 1, Double(x.confidence), Double(y.confidence), allowed: false,
                        "image \(id): stage \(s + 1) confidence \(f(Double(x.confidence))) → \(f(Double(y.confidence))) (|Δ| \(f(dc)) > \(f(tol.confidence)))")
                }
            }
            guard stageCount > 1 else { continue }
            // Exit stage and final prediction at each η; grouped per image into η lists.
            let c0 = Double(image.stages[0].confidence), c1 = Double(now.stages[0].confidence)
            var exitOK: [Double] = [], exitBad: [Double] = [], finalOK: [Double] = [], finalBad: [Double] = []
            var exitPair = (0, 0)
            // The stage each run stops at (the rule of the model and the store's sweep).
            let confidences0 = image.stages.map(\.confidence), confidences1 = now.stages.map(\.confidence)
            for (k, eta) in sortedEtas.enumerated() {
                let threshold = ExitRule.threshold(eta)
                let eb = ExitRule.exitStage(confidences: confidences0, threshold: threshold)
                let ec = ExitRule.exitStage(confidences: confidences1, threshold: threshold)
                let near = abs(c0 - eta) <= tol.epsilon && abs(c1 - eta) <= tol.epsilon
                if eb != ec {
                    exitPair = (eb, ec)
                    if near { exitOK.append(eta); excusedExit[k] += 1 } else { exitBad.append(eta) }
                }
                let before = image.stages[eb].predicted, after = now.stages[ec].predicted
                if before != after {
                    let ok = eb == ec ? stageFlipExcused[eb] : near
                    if ok { finalOK.append(eta) } else { finalBad.append(eta) }
                    if ok && changesCorrectness(before, after, label: image.label) { excusedFinal[k] += 1 }
                }
            }
            let conf = "stage-1 confidence \(f(c0)) → \(f(c1))"
            if !exitBad.isEmpty {
                add(.exitStage, image: id, etas: exitBad, c0, c1, allowed: false,
                    "image \(id): exits at stage \(exitPair.1 + 1) instead of \(exitPair.0 + 1) at \(etaRanges(exitBad, grid: sortedEtas)); \(conf), not both within ε of η")
            }
            if !exitOK.isEmpty {
                add(.exitStage, image: id, etas: exitOK, c0, c1, allowed: true,
                    "image \(id): exit stage changes at \(etaRanges(exitOK, grid: sortedEtas)); \(conf), both within ε \(f(tol.epsilon)) of η")
            }
            if !finalBad.isEmpty {
                add(.finalPrediction, image: id, etas: finalBad, nil, nil, allowed: false,
                    "image \(id): final prediction changes at \(etaRanges(finalBad, grid: sortedEtas))")
            }
            if !finalOK.isEmpty {
                add(.finalPrediction, image: id, etas: finalOK, nil, nil, allowed: true,
                    "image \(id): final prediction changes at \(etaRanges(finalOK, grid: sortedEtas)) (explained by the allowed changes above)")
            }
        }
        for image in c.images where !baselineIDs.contains(image.id) {
            add(.extraImage, image: image.id, nil, nil, allowed: false, "image \(image.id) is new in the current run")
        }

        // The curve.
        let flopsSpan = Double((c.stageFLOPs.max() ?? 0) - (c.stageFLOPs.min() ?? 0)) / 1e9
        for p in b.curve {
            let label = p.eta.map { "η " + Fixed.string($0, 2) } ?? "single stage"
            guard let q = c.curve.first(where: { etaMatches($0.eta, p.eta) }) else {
                add(.curvePoint, etas: p.eta.map { [$0] } ?? [], nil, nil, allowed: false, "curve point \(label) is missing")
                continue
            }
            guard p.images == q.images, p.images > 0 else {
                add(.curvePoint, etas: p.eta.map { [$0] } ?? [], Double(p.images), Double(q.images), allowed: false,
                    "curve \(label): \(p.images) → \(q.images) images")
                continue
            }
            let k = p.eta.flatMap { eta in sortedEtas.firstIndex { etaMatches($0, eta) } }
            let explainedFinal = k.map { excusedFinal[$0] } ?? (p.eta == nil ? excusedSingleStage : 0)
            let explainedExit = k.map { excusedExit[$0] } ?? 0
            let n = Double(p.images)
            let etaList = p.eta.map { [$0] } ?? []
            let dTop1 = q.top1Correct - p.top1Correct
            if dTop1 != 0 {
                let limit = Double(explainedFinal) + tol.curveTop1 * n / 100
                let ok = Double(abs(dTop1)) <= limit + 1e-9
                add(.curveTop1, etas: etaList, 100 * Double(p.top1Correct) / n, 100 * Double(q.top1Correct) / n, allowed: ok,
                    "curve \(label): top-1 \(f(100 * Double(p.top1Correct) / n, 2))% → \(f(100 * Double(q.top1Correct) / n, 2))% "
                        + "(\(dTop1 > 0 ? "+" : "")\(dTop1) images; \(explainedFinal) explained by allowed changes, tolerance \(f(tol.curveTop1, 2)) pp)")
            }
            let dExit = q.stage1Exits - p.stage1Exits
            if dExit != 0 {
                let limit = Double(explainedExit) + tol.curveExitShare * n / 100
                let ok = Double(abs(dExit)) <= limit + 1e-9
                add(.curveExitShare, etas: etaList, 100 * Double(p.stage1Exits) / n, 100 * Double(q.stage1Exits) / n, allowed: ok,
                    "curve \(label): stage-1 exits \(p.stage1Exits) → \(q.stage1Exits) of \(p.images) "
                        + "(\(explainedExit) explained by allowed exit changes, tolerance \(f(tol.curveExitShare, 2)) pp)")
            }
            let dG = abs(q.gflops - p.gflops)
            if dG > 0 {
                let limit = Double(explainedExit) * flopsSpan / n + tol.curveGFLOPs
                let ok = dG <= limit + 1e-12
                if !ok || dG > tol.curveGFLOPs {
                    add(.curveGFLOPs, etas: etaList, p.gflops, q.gflops, allowed: ok,
                        "curve \(label): GFLOPs \(f(p.gflops, 6)) → \(f(q.gflops, 6)) (|Δ| \(f(dG, 6)); allowed \(f(limit, 6)))")
                }
            }
        }
        for q in c.curve where !b.curve.contains(where: { etaMatches($0.eta, q.eta) }) {
            add(.curvePoint, etas: q.eta.map { [$0] } ?? [], nil, nil, allowed: false,
                "curve point \(q.eta.map { "η " + Fixed.string($0, 2) } ?? "single stage") is new in the current run")
        }
        return out
    }
}
