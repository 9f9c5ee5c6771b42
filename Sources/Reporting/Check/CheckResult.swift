import Foundation

/// One difference between the baseline and the current run.
public struct CheckFinding: Codable, Equatable, Sendable {
    public enum Kind: String, Codable, Sendable {
        case missingModel = "missing_model", extraModel = "extra_model"
        case stageFLOPs = "stage_flops"
        case missingImage = "missing_image", extraImage = "extra_image", label
        /// A stage's predicted class changed.
        case stagePrediction = "stage_prediction"
        case confidence
        /// The stage an image exits at changed at some η.
        case exitStage = "exit_stage"
        /// The final prediction (the exit stage's) changed at some η.
        case finalPrediction = "final_prediction"
        case curvePoint = "curve_point", curveTop1 = "curve_top1", curveExitShare = "curve_exit_share"
        case curveGFLOPs = "curve_gflops"
    }

    public var kind: Kind
    public var model: String
    public var image: String?
    /// 1-based stage, where one applies.
    public var stage: Int?
    /// The η values concerned (ascending), where they apply.
    public var etas: [Double]
    public var baseline: Double?
    public var current: Double?
    /// false: a regression; true: a difference the tolerances allow (reported for information).
    public var allowed: Bool
    /// One readable line: what changed, by how much, and why it is or is not allowed.
    public var message: String
}

/// The outcome of `RegressionCheck.compare`.
public struct CheckResult: Codable, Equatable, Sendable {
    public var suite: String
    public var tolerances: CheckTolerances
    public var modelsCompared: Int
    public var imagesCompared: Int
    /// Model by model in baseline order; within a model: structure, FLOPs, images, curve.
    public var findings: [CheckFinding]

    public var regressions: [CheckFinding] { findings.filter { !$0.allowed } }
    public var allowedDifferences: [CheckFinding] { findings.filter(\.allowed) }
    /// The CLI exits non-zero when this is false.
    public var passed: Bool { regressions.isEmpty }

    /// The readable diff: a verdict line, then per model its regressions and (unless
    /// `showAllowed` is false) the allowed differences; at most `limit` lines per model and kind
    /// of verdict, with a count of the rest.
    public func diffText(limit: Int = 40, showAllowed: Bool = true) -> String {
        let regressionCount = regressions.count
        var out = passed
            ? "repro check: PASSED for suite \(suite): \(modelsCompared) models, \(imagesCompared) image records, no regressions"
            : "repro check: FAILED for suite \(suite): \(regressionCount) regression\(regressionCount == 1 ? "" : "s") "
                + "in \(Set(regressions.map(\.model)).count) of \(modelsCompared) models (\(imagesCompared) image records)"
        let allowedCount = allowedDifferences.count
        out += allowedCount > 0 ? "; \(allowedCount) difference\(allowedCount == 1 ? "" : "s") within tolerance\n" : "\n"
        out += "tolerances: ε \(Fixed.string(tolerances.epsilon, 6)), confidence \(Fixed.string(tolerances.confidence, 6)), "
            + "curve top-1 \(Fixed.string(tolerances.curveTop1, 2)) pp, exit share \(Fixed.string(tolerances.curveExitShare, 2)) pp, "
            + "GFLOPs \(Fixed.string(tolerances.curveGFLOPs, 6))\n"
        var models: [String] = []
        for f in findings where !models.contains(f.model) { models.append(f.model) }
        for model in models {
            let mine = findings.filter { $0.model == model }
            let bad = mine.filter { !$0.allowed }, ok = mine.filter(\.allowed)
            if bad.isEmpty && (!showAllowed || ok.isEmpty) { continue }
            out += "\n\(model):\n"
            for f in bad.prefix(limit) { out += "  REGRESSION  " + f.message + "\n" }
            if bad.count > limit { out += "  … \(bad.count - limit) more regressions\n" }
            if showAllowed {
                for f in ok.prefix(limit) { out += "  allowed     " + f.message + "\n" }
                if ok.count > limit { out += "  … \(ok.count - limit) more allowed differences\n" }
            }
        }
        return out
    }
}

/// Compact text for a list of η values: runs of consecutive values of `grid` become "a–b".
func etaRanges(_ values: [Double], grid: [Double]) -> String {
    let sortedGrid = grid.sorted()
    let positions = values.compactMap { v in sortedGrid.firstIndex { etaMatches($0, v) } }.sorted()
    guard !positions.isEmpty else { return values.map { Fixed.string($0, 2) }.joined(separator: ", ") }
    var parts: [String] = []
    var start = positions[0], previous = positions[0]
    func flush() {
        parts.append(start == previous ? Fixed.string(sortedGrid[start], 2)
                     : Fixed.string(sortedGrid[start], 2) + "–" + Fixed.string(sortedGrid[previous], 2))
    }
    for p in positions.dropFirst() {
        if p == previous + 1 { previous = p; continue }
        flush()
        start = p
        previous = p
    }
    flush()
    return "η " + parts.joined(separator: ", ") + (values.count > 1 ? " (\(values.count) values)" : "")
}
